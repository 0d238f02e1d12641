using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PeerNet.Storage.Migrations
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Nodes",
                columns: table => new
                {
                    Ring = table.Column<long>(type: "INTEGER", nullable: false),
                    Address = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    AddedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Nodes", x => x.Ring);
                });

            migrationBuilder.CreateTable(
                name: "Stats",
                columns: table => new
                {
                    Ring = table.Column<long>(type: "INTEGER", nullable: false),
                    Address = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    ConnectionsOk = table.Column<long>(type: "INTEGER", nullable: false),
                    ConnectionsFail = table.Column<long>(type: "INTEGER", nullable: false),
                    NodesRx = table.Column<long>(type: "INTEGER", nullable: false),
                    NodesTx = table.Column<long>(type: "INTEGER", nullable: false),
                    LastOkAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastFailAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastRxAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastTxAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Stats", x => x.Ring);
                });

            migrationBuilder.CreateTable(
                name: "Tombstones",
                columns: table => new
                {
                    Ring = table.Column<long>(type: "INTEGER", nullable: false),
                    Address = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    RemovedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Tombstones", x => x.Ring);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Tombstones_RemovedAt",
                table: "Tombstones",
                column: "RemovedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Nodes");

            migrationBuilder.DropTable(
                name: "Stats");

            migrationBuilder.DropTable(
                name: "Tombstones");
        }
    }
}
