using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Monfri.Infrastructure.Persistence.Migrations
{
    /// <summary>CSV import: the file's detected encoding and separator, and the companies a contact import created.</summary>
    public partial class CsvImport : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "companies_created",
                table: "import_jobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<char>(
                name: "delimiter",
                table: "import_jobs",
                type: "character(1)",
                nullable: false,
                defaultValue: ',');

            migrationBuilder.AddColumn<string>(
                name: "encoding",
                table: "import_jobs",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "utf-8");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "companies_created",
                table: "import_jobs");

            migrationBuilder.DropColumn(
                name: "delimiter",
                table: "import_jobs");

            migrationBuilder.DropColumn(
                name: "encoding",
                table: "import_jobs");
        }
    }
}
