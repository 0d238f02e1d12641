using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PeerNet.Storage.Migrations
{
    /// <summary>
    /// The address table: each known address's kind (explicit, tried, new) and slot, the table's hash key in Settings,
    /// purge tombstones told from removes, and when an address started failing. Existing addresses become explicit.
    /// </summary>
    public partial class AddressTable : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "Purged",
                table: "Tombstones",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<long>(
                name: "FailingSince",
                table: "Stats",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Kind",
                table: "Nodes",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Slot",
                table: "Nodes",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Settings",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Value = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Settings", x => x.Name);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Nodes_Kind_Ring",
                table: "Nodes",
                columns: new[] { "Kind", "Ring" });

            migrationBuilder.CreateIndex(
                name: "IX_Nodes_Kind_Slot",
                table: "Nodes",
                columns: new[] { "Kind", "Slot" },
                unique: true,
                filter: "\"Slot\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Settings");

            migrationBuilder.DropIndex(
                name: "IX_Nodes_Kind_Ring",
                table: "Nodes");

            migrationBuilder.DropIndex(
                name: "IX_Nodes_Kind_Slot",
                table: "Nodes");

            migrationBuilder.DropColumn(
                name: "Purged",
                table: "Tombstones");

            migrationBuilder.DropColumn(
                name: "FailingSince",
                table: "Stats");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "Nodes");

            migrationBuilder.DropColumn(
                name: "Slot",
                table: "Nodes");
        }
    }
}
