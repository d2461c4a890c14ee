using System.Text.Json;
using Monfri.Application.Conditions;
using Monfri.Application.Conditions.Text;
using Monfri.Domain.Conditions;

namespace Monfri.Application.Tests.Conditions;

/// <summary>
/// The text language: every construct of the condition model prints and parses back to the identical tree, typed
/// text comes back canonical, and text that does not parse is refused with what was expected where.
/// </summary>
public sealed class ConditionTextTests
{
    private static readonly Guid Sales = Guid.Parse("11111111-0000-0000-0000-000000000001");
    private static readonly Guid Partners = Guid.Parse("11111111-0000-0000-0000-000000000002");
    private static readonly Guid SalesWon = Guid.Parse("22222222-0000-0000-0000-000000000001");
    private static readonly Guid SalesDemo = Guid.Parse("22222222-0000-0000-0000-000000000002");
    private static readonly Guid PartnersWon = Guid.Parse("22222222-0000-0000-0000-000000000003");
    private static readonly Guid PartnersSigned = Guid.Parse("22222222-0000-0000-0000-000000000004");
    private static readonly Guid Vip = Guid.Parse("33333333-0000-0000-0000-000000000001");

    private static readonly ConditionCatalog Catalog = new(
        BuiltInFields.All.ToDictionary(f => f.Key),
        new HashSet<string> { "Page Viewed", "Order Completed" },
        new Dictionary<Guid, CatalogPipeline>
        {
            [Sales] = new(Sales, "Sales", new Dictionary<Guid, string> { [SalesWon] = "Closed Won", [SalesDemo] = "Demo" }),
            [Partners] = new(Partners, "Partners", new Dictionary<Guid, string> { [PartnersWon] = "Closed Won", [PartnersSigned] = "Signed" }),
        },
        new Dictionary<Guid, CatalogSegment> { [Vip] = new(Vip, "VIP customers", []) });

    private static JsonElement Json(object value) => JsonSerializer.SerializeToElement(value);

    private static JsonElement Raw(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static Condition Parsed(string text)
    {
        var result = ConditionText.Parse(text, Catalog);
        Assert.True(result.IsSuccess, result.Error?.Message);
        return result.Condition!;
    }

    private static ConditionTextError Refused(string text)
    {
        var result = ConditionText.Parse(text, Catalog);
        Assert.False(result.IsSuccess, $"'{text}' parsed");
        return result.Error!;
    }

    /// <summary>One of every construct the model has, alone and nested.</summary>
    public static TheoryData<string, Condition> Constructs() => new()
    {
        { "eq text", new FieldCondition("lifecycle_stage", ConditionOperator.Equal, Json("lead")) },
        { "neq", new FieldCondition("lead_source", ConditionOperator.NotEqual, Json("ads")) },
        { "contains", new FieldCondition("email", ConditionOperator.Contains, Json("@acme.com")) },
        { "starts with", new FieldCondition("phone", ConditionOperator.StartsWith, Json("+49")) },
        { "in texts", new FieldCondition("tags", ConditionOperator.In, Raw("""["beta","vip"]""")) },
        { "in numbers", new FieldCondition("total_events", ConditionOperator.In, Raw("[1,2.5,-3]")) },
        { "is set", new FieldCondition("owner", ConditionOperator.IsSet) },
        { "not set", new FieldCondition("job_title", ConditionOperator.NotSet) },
        { "gt", new FieldCondition("total_events", ConditionOperator.GreaterThan, Raw("10")) },
        { "gte decimal", new FieldCondition("open_deal_value", ConditionOperator.AtLeast, Raw("1500.75")) },
        { "lt exponent", new FieldCondition("total_events", ConditionOperator.LessThan, Raw("1e3")) },
        { "lte negative", new FieldCondition("custom.score", ConditionOperator.AtMost, Raw("-2")) },
        { "number as text", new FieldCondition("total_events", ConditionOperator.GreaterThan, Json("3")) },
        { "before", new FieldCondition("created_at", ConditionOperator.Before, Json("2026-01-01")) },
        { "after date-time", new FieldCondition("last_seen_at", ConditionOperator.After, Json("2026-11-30T08:15:00+01:00")) },
        { "in last days", new FieldCondition("last_seen_at", ConditionOperator.InLastDays, Raw("30")) },
        { "in last days as text", new FieldCondition("last_seen_at", ConditionOperator.InLastDays, Json("30")) },
        { "boolean", new FieldCondition("custom.newsletter", ConditionOperator.Equal, Json(true)) },
        { "missing value", new FieldCondition("email", ConditionOperator.Equal) },
        { "quoted name", new FieldCondition("identify.Plan Type", ConditionOperator.Equal, Json("pro")) },
        { "reserved name", new FieldCondition("and", ConditionOperator.Equal, Json("x")) },
        { "name with backtick", new FieldCondition("identify.a`b", ConditionOperator.IsSet) },
        { "escapes", new FieldCondition("first_name", ConditionOperator.Equal, Json("Zoë \"Z\" \\ \n\t")) },
        { "company", new FieldCondition("company.custom.tier", ConditionOperator.Equal, Json("gold")) },
        { "performed", new EventCondition("Page Viewed") },
        { "performed at least", new EventCondition("Page Viewed", EventFrequency.AtLeast, 3) },
        { "performed at most", new EventCondition("Page Viewed", EventFrequency.AtMost, 2) },
        { "performed exactly zero", new EventCondition("Page Viewed", EventFrequency.Exactly, 0) },
        { "did not perform", new EventCondition("Order Completed", EventFrequency.None, Window: new TimeWindow(LastDays: 90)) },
        { "first performed", new EventCondition("Order Completed", EventFrequency.First, Window: new TimeWindow(LastDays: 7)) },
        {
            "performed where in window", new EventCondition("Page Viewed", EventFrequency.AtLeast, 3,
                [new PropertyCondition("url", ConditionOperator.Contains, Json("/pricing")), new PropertyCondition("context.page title", ConditionOperator.IsSet)],
                new TimeWindow(LastDays: 30))
        },
        {
            "between dates", new EventCondition("Order Completed", Window: new TimeWindow(
                From: new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), To: new DateTimeOffset(2026, 2, 1, 12, 30, 0, TimeSpan.FromHours(2))))
        },
        { "from only", new EventCondition("Order Completed", Window: new TimeWindow(From: new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero))) },
        { "any deal", new DealCondition() },
        { "won deal in stage by name", new DealCondition(DealState.Won, Sales, SalesWon, 90, ConditionOperator.AtLeast, 1000.5m) },
        { "stage unique across pipelines", new DealCondition(StageId: SalesDemo) },
        { "stage shared by pipelines is written by id", new DealCondition(DealState.Open, StageId: PartnersWon) },
        { "unknown pipeline by id", new DealCondition(PipelineId: Guid.Parse("44444444-0000-0000-0000-000000000009")) },
        { "lost deal amount neq", new DealCondition(DealState.Lost, AmountOp: ConditionOperator.NotEqual, Amount: 0m) },
        { "identified", new IdentifiedCondition() },
        { "anonymous", new IdentifiedCondition(false) },
        { "segment by name", new SegmentMembershipCondition(Vip) },
        { "unknown segment by id", new SegmentMembershipCondition(Guid.Parse("55555555-0000-0000-0000-000000000001")) },
        { "and", new GroupCondition(GroupOperator.And, [new IdentifiedCondition(), new EventCondition("Page Viewed")]) },
        { "or", new GroupCondition(GroupOperator.Or, [new IdentifiedCondition(false), new DealCondition(DealState.Won)]) },
        { "one-condition group", new GroupCondition(GroupOperator.And, [new IdentifiedCondition()]) },
        { "one-condition any", new GroupCondition(GroupOperator.Or, [new IdentifiedCondition()]) },
        { "empty group", new GroupCondition(GroupOperator.And, []) },
        { "not one condition", new GroupCondition(GroupOperator.And, [new DealCondition(StageId: SalesWon)], Not: true) },
        { "not any of one", new GroupCondition(GroupOperator.Or, [new IdentifiedCondition()], Not: true) },
        { "not and", new GroupCondition(GroupOperator.And, [new IdentifiedCondition(), new DealCondition()], Not: true) },
        { "not or", new GroupCondition(GroupOperator.Or, [new IdentifiedCondition(), new DealCondition()], Not: true) },
        {
            "not of a group", new GroupCondition(GroupOperator.And,
                [new GroupCondition(GroupOperator.Or, [new IdentifiedCondition(), new DealCondition()], Not: true)], Not: true)
        },
        {
            "nested same operator", new GroupCondition(GroupOperator.And,
                [new IdentifiedCondition(), new GroupCondition(GroupOperator.And, [new DealCondition(), new EventCondition("Page Viewed")])])
        },
        {
            "or inside and, not inside or", new GroupCondition(GroupOperator.And,
            [
                new FieldCondition("lifecycle_stage", ConditionOperator.Equal, Json("lead")),
                new GroupCondition(GroupOperator.Or,
                [
                    new EventCondition("Page Viewed", Count: 3, Window: new TimeWindow(30)),
                    new GroupCondition(GroupOperator.And, [new SegmentMembershipCondition(Vip), new IdentifiedCondition()], Not: true),
                    new GroupCondition(GroupOperator.Or, [new IdentifiedCondition(false)]),
                ]),
                new GroupCondition(GroupOperator.And, [new GroupCondition(GroupOperator.And, [new IdentifiedCondition()])]),
            ])
        },
    };

    [Theory]
    [MemberData(nameof(Constructs))]
    public void Every_construct_prints_and_parses_back_to_the_identical_tree(string construct, Condition tree)
    {
        var text = ConditionText.Print(tree, Catalog);
        var result = ConditionText.Parse(text, Catalog);

        Assert.True(result.IsSuccess, $"{construct}: '{text}' did not parse: {result.Error?.Message}");
        Assert.Equal(ConditionJson.Serialize(tree), ConditionJson.Serialize(result.Condition!));
        // And the text it prints is the canonical text: printing again gives the same.
        Assert.Equal(text, ConditionText.Print(result.Condition!, Catalog));
    }

    [Fact]
    public void The_issue_example_reads_as_one_and_group_of_three()
    {
        var tree = Parsed("""lifecycle_stage = "lead" and performed("Page Viewed", where: url contains "/pricing", count >= 3, within: 30d) and not has_deal(stage: "Demo")""");

        var expected = new GroupCondition(GroupOperator.And,
        [
            new FieldCondition("lifecycle_stage", ConditionOperator.Equal, Json("lead")),
            new EventCondition("Page Viewed", EventFrequency.AtLeast, 3, [new PropertyCondition("url", ConditionOperator.Contains, Json("/pricing"))], new TimeWindow(30)),
            new GroupCondition(GroupOperator.And, [new DealCondition(StageId: SalesDemo)], Not: true),
        ]);
        Assert.Equal(ConditionJson.Serialize(expected), ConditionJson.Serialize(tree));
    }

    [Theory]
    [InlineData("""lifecycle_stage == 'lead'  AND   NOT identified""", """lifecycle_stage = "lead" and not identified""")]
    [InlineData("a = 1 and b = 2 or c = 3", "(a = 1 and b = 2) or c = 3")]
    [InlineData("a = 1 or b = 2 and c = 3", "a = 1 or (b = 2 and c = 3)")]
    [InlineData("(identified)", "identified")]
    [InlineData("not (anonymous)", "not anonymous")]
    [InlineData("all(identified, anonymous)", "identified and anonymous")]
    [InlineData("any(identified, anonymous)", "identified or anonymous")]
    [InlineData("not all(identified, anonymous)", "not (identified and anonymous)")]
    [InlineData("not not identified", "not all(not identified)")]
    [InlineData("total_events >= 007", "total_events >= 7")]
    [InlineData("last_seen_at within 30", "last_seen_at within 30d")]
    [InlineData("performed('Page Viewed', count >= 1)", """performed("Page Viewed")""")]
    [InlineData("""performed("Page Viewed", within: 30d, count = 2, where: url = "/")""", """performed("Page Viewed", where: url = "/", count = 2, within: 30d)""")]
    [InlineData("""has_deal(amount > 5, within: 7d, stage: "closed won", pipeline: "sales", state: WON)""", """has_deal(state: won, pipeline: "Sales", stage: "Closed Won", within: 7d, amount > 5)""")]
    [InlineData("""has_deal(state: any)""", "has_deal()")]
    [InlineData("""in_segment("vip customers")""", """in_segment("VIP customers")""")]
    [InlineData("""performed("Order Completed", from: "2026-01-01T00:00:00Z")""", """performed("Order Completed", from: "2026-01-01")""")]
    [InlineData("email = \"a\" and\n  tags in [\"x\" , 'y']", """email = "a" and tags in ["x", "y"]""")]
    public void Typed_text_comes_back_canonical(string typed, string canonical)
    {
        Assert.Equal(canonical, ConditionText.Print(Parsed(typed), Catalog));
    }

    [Theory]
    [InlineData("""performed("Page Viewed", where: url contains "/pricing", count >= abc, within: 30d)""", "Expected a number after >=, found abc at column 67.", 66)]
    [InlineData("lifecycle_stage", "Expected an operator (=, !=, >, >=, <, <=, contains, starts_with, in, is set, is not set, before, after, within) after the field lifecycle_stage, found the end at column 16.", 15)]
    [InlineData("lifecycle_stage = ", "Expected a value (\"text\", a number, true, false or a [list]) after =, found the end at column 19.", 18)]
    [InlineData("identified and", "Expected a condition (a field such as lifecycle_stage, performed(…), has_deal(…), in_segment(…), identified, anonymous, not or ( ), found the end at column 15.", 14)]
    [InlineData("identified anonymous", "Expected and, or or the end after identified, found anonymous at column 12.", 11)]
    [InlineData("(identified or anonymous", "Expected ) to close the ( at column 1, found the end at column 25.", 24)]
    [InlineData("email = \"open", "This text is not closed with \" at column 9.", 8)]
    [InlineData("email && identified", "Unexpected &; write and, or, not at column 7.", 6)]
    [InlineData("tags in \"beta\"", "Expected a list such as [\"a\", \"b\"] after in, found \"beta\" at column 9.", 8)]
    [InlineData("owner is unset", "Expected set after is, found unset at column 10.", 9)]
    [InlineData("performed(Page Viewed)", "Expected the event name in quotes after performed(, found Page at column 11.", 10)]
    [InlineData("""performed("Page Viewed", within: 30)""", "Expected a number of days such as 30d after within:, found 30 at column 34.", 33)]
    [InlineData("""performed("Page Viewed", within: 0d)""", "The number of days must be 1 to 3650, not 0 at column 34.", 33)]
    [InlineData("""performed("Page Viewed", count > 2)""", "Expected >=, <= or = after count, found > at column 32.", 31)]
    [InlineData("""did_not_perform("Page Viewed", count >= 2)""", "No count in did_not_perform(…); use performed(\"…\", count >= N) at column 32.", 31)]
    [InlineData("""performed("Page Viewed", within: 3d, within: 4d)""", "The argument within is given twice in performed(…) at column 38.", 37)]
    [InlineData("""performed("Page Viewed", when: 3d)""", "Expected where:, count, within:, from:, to: in performed(…), found when at column 26.", 25)]
    [InlineData("""performed("Page Viewed", from: "yesterday")""", "Expected a date such as \"2026-12-01\" after from:, found \"yesterday\" at column 32.", 31)]
    [InlineData("""performed("Page Viewed", within: 3d, from: "2026-01-01")""", "A window is either within: Nd or from:/to: dates, not both at column 1.", 0)]
    [InlineData("""has_deal(stage: "Closed Won")""", "Several pipelines have a stage named \"Closed Won\"; name the pipeline too: has_deal(pipeline: \"…\", stage: \"Closed Won\") at column 17.", 16)]
    [InlineData("""has_deal(pipeline: "Sales", stage: "Signed")""", "There is no stage in pipeline \"Sales\" named \"Signed\" (there are \"Closed Won\", \"Demo\") at column 36.", 35)]
    [InlineData("""has_deal(amount > 'abc')""", "Expected a number after >, found \"abc\" at column 19.", 18)]
    [InlineData("""has_deal(state: closed)""", "Expected open, won, lost or any after state:, found closed at column 17.", 16)]
    [InlineData("""in_segment("Nobody")""", "There is no segment named \"Nobody\" (there are \"VIP customers\") at column 12.", 11)]
    [InlineData("bought(\"x\")", "There is no function bought(…); conditions are performed, did_not_perform, first_performed, has_deal, in_segment, all and any at column 1.", 0)]
    [InlineData("   ", "The definition is empty: write a condition such as lifecycle_stage = \"lead\" at column 1.", 0)]
    [InlineData("total_events > 3x", "3x… is not a number (a number of days is written like 30d) at column 16.", 15)]
    public void Text_that_does_not_parse_says_what_was_expected_where(string text, string message, int offset)
    {
        var error = Refused(text);

        Assert.Equal(message, error.Message);
        Assert.Equal(offset, error.Offset);
        Assert.Equal(offset + 1, error.Column);
    }

    [Fact]
    public void An_error_on_a_later_line_names_the_line_and_the_column_in_it()
    {
        var error = Refused("identified\nand performed(\"Page Viewed\", count >= )");

        Assert.Equal("Expected a number after >=, found ) at line 2, column 39.", error.Message);
        Assert.Equal((2, 39), (error.Line, error.Column));
        Assert.Equal(49, error.Offset);
        Assert.Equal(1, error.Length);
    }

    [Fact]
    public void Unknown_fields_and_events_parse_and_are_left_to_the_validator_which_names_them()
    {
        var tree = Parsed("""total_events > 'abc' and performed("Page Viewd")""");

        var problems = ConditionValidator.Validate(tree, Catalog).Select(p => p.Message).ToList();
        Assert.Equal(
        [
            "Condition 1 (total_events gt \"abc\"): \"abc\" is not a number.",
            "Condition 2 (performed \"Page Viewd\" at least 1 times): no event named \"Page Viewd\" has been received.",
        ], problems);
    }
}
