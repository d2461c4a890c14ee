using Monfri.Domain.Crm;

namespace Monfri.Domain.Tests.Crm;

public sealed class PersonTests
{
    private static ContactDetails Details(string? first, string? last, string? email) =>
        new(first, last, email, [], null, null, null, null, "lead", null, [], new Dictionary<string, object?>());

    [Theory]
    [InlineData("Ada", "Lovelace", "ada@example.test", "Ada Lovelace")]
    [InlineData(null, "Lovelace", null, "Lovelace")]
    [InlineData(null, null, "ada@example.test", "ada@example.test")]
    [InlineData(" ", null, null, "Unnamed contact")]
    public void A_contact_is_shown_by_name_then_email_and_never_as_an_anonymous_visitor(string? first, string? last, string? email, string shown) =>
        Assert.Equal(shown, Person.CreateContact(Details(first, last, email), DateTimeOffset.UtcNow).DisplayName);
}
