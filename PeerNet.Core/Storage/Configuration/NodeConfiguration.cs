using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PeerNet.Addressing;
using PeerNet.Storage.Entities;

namespace PeerNet.Storage.Configuration;

internal sealed class NodeConfiguration : IEntityTypeConfiguration<NodeEntity>
{
    public void Configure(EntityTypeBuilder<NodeEntity> builder)
    {
        builder.ToTable("Nodes");
        // Rows go to the end of the table (INTEGER PRIMARY KEY, the row id, in the order added), and nothing in SQL is
        // ordered by ring: the store keeps the ring positions and row ids in memory (RingIndex), which checks
        // uniqueness and serves samples and pages. A batch of new addresses lands all over the ring, so any B-tree
        // keyed by ring (the table itself first, then a unique index) changed about a page per new address once the
        // store outgrew a batch, and every changed page is written to the log and again by the checkpoint. Appended
        // rows change only the table's last pages.
        builder.HasKey(n => n.Id);
        // A plain row id, which the store's writer assigns (one past the largest at start): "never generated" keeps EF
        // from declaring it AUTOINCREMENT, whose sqlite_sequence update every insert would pay for nothing.
        builder.Property(n => n.Id).ValueGeneratedNever();
        builder.Property(n => n.Ring).ValueGeneratedNever();
        builder.Property(n => n.Address).HasMaxLength(PeerAddress.MaxLength).IsRequired();
    }
}
