using System.Text;
using Monfri.Application.Common.Text;
using Monfri.Application.Crm.Imports;
using Monfri.Domain.Crm;

namespace Monfri.Application.Tests.Crm;

/// <summary>Reading uploaded files: encodings, separators and the columns a header suggests.</summary>
public sealed class ImportCsvTests
{
    private static async Task<CsvPreview> InspectAsync(byte[] file)
    {
        var preview = await ImportCsv.InspectAsync(new MemoryStream(file), CancellationToken.None);
        Assert.True(preview.IsSuccess, preview.ErrorMessage);
        return preview.Value;
    }

    [Theory]
    [InlineData("First name,Email\nAda,ada@x.test\n", ',')]
    [InlineData("First name;Email\nAda;ada@x.test\n", ';')]
    [InlineData("First name\tEmail\nAda\tada@x.test\n", '\t')]
    public async Task The_separator_is_found_from_the_file(string csv, char separator)
    {
        var preview = await InspectAsync(Encoding.UTF8.GetBytes(csv));

        Assert.Equal(separator, preview.Format.Delimiter);
        Assert.Equal(["First name", "Email"], preview.Header);
        Assert.Equal(["Ada", "ada@x.test"], preview.Rows.Single());
    }

    [Fact]
    public async Task A_utf8_file_with_a_byte_order_mark_reads_the_same_as_without()
    {
        var preview = await InspectAsync([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("Prénom,Email\nZoë,zoe@x.test\n")]);

        Assert.Equal(CsvFormat.Utf8, preview.Format.Encoding);
        Assert.Null(preview.Format.EncodingNote);
        Assert.Equal(["Prénom", "Email"], preview.Header);
        Assert.Equal("Zoë", preview.Rows.Single()[0]);
    }

    [Fact]
    public async Task An_accented_letter_split_between_two_read_chunks_is_still_utf8()
    {
        // The first read takes 64 KiB: put the two bytes of 'é' on either side of that boundary.
        const string head = "Name,Email\n";
        const string beforeAccent = ",filler@x.test\nR";
        var padding = new string('x', 64 * 1024 - 1 - Encoding.UTF8.GetByteCount(head + beforeAccent));
        var file = Encoding.UTF8.GetBytes(head + padding + beforeAccent + "énée,renee@x.test\n");
        Assert.Equal(0xC3, file[64 * 1024 - 1]);

        var preview = await InspectAsync(file);

        Assert.Equal(CsvFormat.Utf8, preview.Format.Encoding);
        Assert.Equal("Rénée", preview.Rows[1][0]);
    }

    [Fact]
    public async Task Rows_are_counted_without_blank_lines_and_a_quoted_value_may_hold_separators_and_line_breaks()
    {
        var preview = await InspectAsync(Encoding.UTF8.GetBytes("Name,Notes\n\"Smith, Ann\",\"line one\nline two\"\n\n,\nBob,\n"));

        Assert.Equal(2, preview.TotalRows);
        Assert.Equal(["Smith, Ann", "line one\nline two"], preview.Rows[0]);
    }

    [Theory]
    [InlineData("E-mail", "email")]
    [InlineData("Email Address", "email")]
    [InlineData("Company", "companyName")]
    [InlineData("Domain", "companyDomain")]
    [InlineData("Website", "companyDomain")]
    [InlineData("Surname", "lastName")]
    [InlineData("Contract tier", "customFields.contract_tier")]
    [InlineData("contract_tier", "customFields.contract_tier")]
    [InlineData("Prénom", "firstName")]
    [InlineData("PRÉNOM", "firstName")]
    [InlineData("Téléphone", "phone")]
    [InlineData("Société", "companyName")]
    [InlineData("Straße", null)]
    [InlineData("Favourite colour", null)]
    public void A_column_is_mapped_to_the_field_its_name_suggests(string header, string? field)
    {
        var tier = CustomFieldDefinition.Create(CrmObjectType.Contact, "contract_tier", "Contract tier", CustomFieldType.Text, [], 0, DateTimeOffset.UtcNow);
        var fields = ImportFields.For(CrmObjectType.Contact, [tier]);

        Assert.Equal(field, ImportFields.Suggest(CrmObjectType.Contact, header, fields));
    }

    [Theory]
    [InlineData("+33 6 11 11 11 11", "'+33 6 11 11 11 11")]
    [InlineData("=SUM(A1)", "'=SUM(A1)")]
    [InlineData("@home", "'@home")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("-12.5", "-12.5")]
    [InlineData("plain", "plain")]
    [InlineData("'quoted", "'quoted")]
    public void An_export_guards_a_formula_like_cell_and_the_import_takes_the_guard_off_again(string value, string exported)
    {
        Assert.Equal(exported, SpreadsheetCells.Guard(value));
        Assert.Equal(value, SpreadsheetCells.Unguard(exported));
    }
}
