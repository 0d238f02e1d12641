using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PeerNet.Storage.Migrations
{
    /// <summary>
    /// Nodes: rows appended by row id, ordered on the ring by a unique index (was: the table keyed by ring position).
    /// </summary>
    /// <remarks>
    /// Hand-written rebuild: EF's generated one copies the new <c>Id</c> column (0 in every row after it is added),
    /// which breaks the primary key. Here SQLite assigns the row ids as the rows are copied.
    /// </remarks>
    public partial class AppendOnlyNodes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                CREATE TABLE "ef_temp_Nodes" (
                    "Id" INTEGER NOT NULL CONSTRAINT "PK_Nodes" PRIMARY KEY,
                    "AddedAt" INTEGER NOT NULL,
                    "Address" TEXT NOT NULL,
                    "Ring" INTEGER NOT NULL
                );
                INSERT INTO "ef_temp_Nodes" ("AddedAt", "Address", "Ring")
                SELECT "AddedAt", "Address", "Ring" FROM "Nodes" ORDER BY "Ring";
                DROP TABLE "Nodes";
                ALTER TABLE "ef_temp_Nodes" RENAME TO "Nodes";
                CREATE UNIQUE INDEX "IX_Nodes_Ring" ON "Nodes" ("Ring");
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                CREATE TABLE "ef_temp_Nodes" (
                    "Ring" INTEGER NOT NULL CONSTRAINT "PK_Nodes" PRIMARY KEY,
                    "AddedAt" INTEGER NOT NULL,
                    "Address" TEXT NOT NULL
                );
                INSERT INTO "ef_temp_Nodes" ("Ring", "AddedAt", "Address")
                SELECT "Ring", "AddedAt", "Address" FROM "Nodes";
                DROP TABLE "Nodes";
                ALTER TABLE "ef_temp_Nodes" RENAME TO "Nodes";
                """);
        }
    }
}
