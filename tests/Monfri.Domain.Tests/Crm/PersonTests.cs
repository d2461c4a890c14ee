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

    private static Person Contact(string? email, IReadOnlyList<string> otherEmails, IReadOnlyList<string> tags, Dictionary<string, object?> custom, DateTimeOffset createdAt) =>
        Person.CreateContact(new ContactDetails("Ada", null, email, otherEmails, null, null, null, null, "lead", null, tags, custom), createdAt);

    [Fact]
    public void Absorbing_keeps_every_email_and_tag_once_and_fills_only_missing_custom_fields()
    {
        var early = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var survivor = Contact("ada@example.test", ["ada@work.test"], ["VIP", "lead"], new() { ["plan"] = "pro" }, early.AddDays(5));
        var absorbed = Contact("ada.l@example.test", ["ada@work.test", "ada@example.test"], ["vip", "newsletter"], new() { ["plan"] = "free", ["size"] = 12 }, early);
        var now = early.AddDays(10);

        survivor.Absorb(absorbed, now);

        Assert.Equal(["ada@work.test", "ada.l@example.test"], survivor.OtherEmails);
        Assert.Equal(["VIP", "lead", "newsletter"], survivor.Tags);
        Assert.Equal("pro", survivor.CustomFields["plan"]);
        Assert.Equal(12, survivor.CustomFields["size"]);
        Assert.Equal(early, survivor.CreatedAt);
        Assert.Equal(now, survivor.UpdatedAt);
    }

    [Fact]
    public void Absorbing_keeps_the_earliest_first_seen_and_the_latest_activity()
    {
        var now = new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);
        var survivor = Contact("a@example.test", [], [], [], now);
        var absorbed = Contact("b@example.test", [], [], [], now);
        survivor.TouchActivity(now.AddDays(-5));
        absorbed.TouchActivity(now.AddDays(-1));

        survivor.Absorb(absorbed, now);

        Assert.Equal(now.AddDays(-1), survivor.LastActivityAt);
    }

    [Fact]
    public void A_person_cannot_absorb_itself()
    {
        var person = Contact("a@example.test", [], [], [], DateTimeOffset.UtcNow);

        Assert.Throws<Monfri.Domain.Common.DomainException>(() => person.Absorb(person, DateTimeOffset.UtcNow));
    }

    [Theory]
    [InlineData("Ada", "Lovelace", "ada@example.test", true, "Ada Lovelace")]
    [InlineData(null, null, "ada@example.test", false, "ada@example.test")]
    [InlineData(null, null, null, true, PersonName.UnnamedContact)]
    [InlineData(null, " ", null, false, PersonName.AnonymousVisitor)]
    public void Every_screen_names_a_person_by_name_then_email_then_what_they_are(string? first, string? last, string? email, bool isContact, string shown) =>
        Assert.Equal(shown, PersonName.Display(first, last, email, isContact));
}
