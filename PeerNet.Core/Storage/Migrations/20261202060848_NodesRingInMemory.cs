using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PeerNet.Storage.Migrations
{
    /// <summary>
    /// Nodes: no index on the ring position; the store keeps ring positions and row ids in memory (RingIndex), loaded
    /// from the table at start. The rows themselves are unchanged.
    /// </summary>
    public partial class NodesRingInMemory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Nodes_Ring",
                table: "Nodes");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Nodes_Ring",
                table: "Nodes",
                column: "Ring",
                unique: true);
        }
    }
}
