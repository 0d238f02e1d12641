using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PeerNet.Storage.Migrations
{
    /// <summary>
    /// The address table: learned addresses in a bounded table of their own (kind and slot), its hash key in Settings,
    /// purge tombstones told from removes, and when an address started failing. Existing addresses stay explicit.
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

            migrationBuilder.CreateTable(
                name: "LearnedNodes",
                columns: table => new
                {
                    Ring = table.Column<long>(type: "INTEGER", nullable: false),
                    Address = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    AddedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Slot = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LearnedNodes", x => x.Ring);
                });

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
                name: "IX_LearnedNodes_Kind_Ring",
                table: "LearnedNodes",
                columns: new[] { "Kind", "Ring" });

            migrationBuilder.CreateIndex(
                name: "IX_LearnedNodes_Kind_Slot",
                table: "LearnedNodes",
                columns: new[] { "Kind", "Slot" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "LearnedNodes");

            migrationBuilder.DropTable(
                name: "Settings");

            migrationBuilder.DropColumn(
                name: "Purged",
                table: "Tombstones");

            migrationBuilder.DropColumn(
                name: "FailingSince",
                table: "Stats");
        }
    }
}
