using Microsoft.EntityFrameworkCore;
using Monfri.Application.Reports;
using Monfri.Application.Reports.GetAttribution;
using Monfri.Application.Tests.Cdp;
using Monfri.Domain.Cdp;
using Monfri.Domain.Crm;
using Monfri.Infrastructure.Persistence;

namespace Monfri.Application.Tests.Reports;

/// <summary>
/// The four attribution models on a known journey. Ann first visits anonymously on a second device; signing in
/// there merges that anonymous profile (and its history) into hers:
/// <code>
/// t1 device A (anonymous)  page ?utm_source=google&amp;utm_medium=cpc&amp;utm_campaign=spring   google / cpc · spring
/// t2 device A (anonymous)  page referred by news.ycombinator.com                         news.ycombinator.com / referral
/// t3 device B (Ann)        page, no referrer                                             direct / (none)
/// t4 device A              identify as Ann → the anonymous profile merges into hers
/// t5 Ann                   page ?utm_source=newsletter&amp;utm_medium=email                 newsletter / email
/// t6 Ann                   Signed Up
/// </code>
/// First touch: google 1. Last touch: newsletter 1. Linear: ¼ each. Position-based: google 0.4, hacker news 0.1,
/// direct 0.1, newsletter 0.4.
/// </summary>
public sealed class AttributionTests : IAsyncLifetime
{
    private CdpWorld _world = null!;
    private ReportFilter _today = null!;

    public async Task InitializeAsync()
    {
        _world = await CdpWorld.StartAsync(nameof(AttributionTests));
        _today = ReportFilter.LastDays(DateTimeOffset.UtcNow, 2);
    }

    public async Task DisposeAsync() => await _world.DisposeAsync();

    private static object Page(string? anonymousId, string? userId, string url, string? referrer, DateTimeOffset at) => new
    {
        type = "page", anonymousId, userId, messageId = Guid.NewGuid().ToString(), properties = new { url, referrer, path = new Uri(url).AbsolutePath },
        timestamp = at.ToString("O"),
    };

    private async Task<Guid> JourneyAsync(string user, DateTimeOffset start)
    {
        var (deviceA, deviceB) = ($"a-{Guid.NewGuid():N}", $"b-{Guid.NewGuid():N}");
        await _world.SendAsync(new { type = "identify", anonymousId = deviceB, userId = user, traits = new { email = $"{user}@example.test" }, messageId = Guid.NewGuid().ToString(), timestamp = start.ToString("O") });
        await _world.SendAsync(Page(deviceA, null, "https://shop.example/?utm_source=google&utm_medium=cpc&utm_campaign=spring", null, start.AddMinutes(1)));
        await _world.SendAsync(Page(deviceA, null, "https://shop.example/blog", "https://news.ycombinator.com/item?id=1", start.AddMinutes(2)));
        await _world.SendAsync(Page(deviceB, user, "https://shop.example/pricing", null, start.AddMinutes(3)));
        await _world.ProcessAsync();
        Assert.NotEqual((await _world.ProfileAsync(IdentityTypes.AnonymousId, deviceA)).Id, (await _world.ProfileAsync(IdentityTypes.UserId, user)).Id);

        await _world.SendAsync(new { type = "identify", anonymousId = deviceA, userId = user, traits = new { }, messageId = Guid.NewGuid().ToString(), timestamp = start.AddMinutes(4).ToString("O") });
        await _world.SendAsync(Page(null, user, "https://shop.example/?utm_source=newsletter&utm_medium=email", "https://mail.example/", start.AddMinutes(5)));
        await _world.SendAsync(new { type = "track", userId = user, @event = GetAttributionQuery.SignUpEvent, messageId = Guid.NewGuid().ToString(), properties = new { }, timestamp = start.AddMinutes(6).ToString("O") });
        await _world.ProcessAsync();
        var person = await _world.ProfileAsync(IdentityTypes.UserId, user);
        Assert.Equal(person.Id, (await _world.ProfileAsync(IdentityTypes.AnonymousId, deviceA)).Id);
        return person.Id;
    }

    private static AttributionRow Row(Attribution attribution, string source) => attribution.Rows.Single(r => r.Source == source);

    [Fact]
    public void Each_model_shares_one_conversion_so_that_its_credits_add_up_to_one()
    {
        Assert.Equal([new AttributionModels.Credit(1, 1, 1, 1)], AttributionModels.Share(1));
        Assert.Equal([0.5, 0.5], AttributionModels.Share(2).Select(c => c.PositionBased));
        var five = AttributionModels.Share(5);
        Assert.Equal([0.4, 0.2 / 3, 0.2 / 3, 0.2 / 3, 0.4], five.Select(c => c.PositionBased));
        Assert.Equal([1.0, 0, 0, 0, 0], five.Select(c => c.FirstTouch));
        Assert.Equal([0.0, 0, 0, 0, 1], five.Select(c => c.LastTouch));
        Assert.All(five, c => Assert.Equal(0.2, c.Linear, 9));
        Assert.Empty(AttributionModels.Share(0));
    }

    [Fact]
    public async Task A_sign_up_is_credited_to_its_touches_under_all_four_models_including_the_merged_anonymous_history()
    {
        await JourneyAsync($"ann-{Guid.NewGuid():N}", DateTimeOffset.UtcNow.AddHours(-3));

        var attribution = (await _world.App.SendAs(_world.Admin, new GetAttributionQuery(_today, AttributionConversion.SignUp, 30))).Value;

        Assert.Equal((1, 0), (attribution.Conversions, attribution.WithoutTouch));
        Assert.Equal(4, attribution.Rows.Count);
        var (google, news, direct, newsletter) = (Row(attribution, "google"), Row(attribution, "news.ycombinator.com"), Row(attribution, "direct"), Row(attribution, "newsletter"));
        Assert.Equal(("cpc", "spring", "Paid search"), (google.Medium, google.Campaign, google.Channel));
        Assert.Equal((1.0, 0.0, 0.25, 0.4), (google.FirstTouch, google.LastTouch, google.Linear, google.PositionBased));
        Assert.Equal((0.0, 0.0, 0.25, 0.1), (news.FirstTouch, news.LastTouch, news.Linear, Math.Round(news.PositionBased, 9)));
        Assert.Equal((0.0, 0.0, 0.25, 0.1), (direct.FirstTouch, direct.LastTouch, direct.Linear, Math.Round(direct.PositionBased, 9)));
        Assert.Equal((0.0, 1.0, 0.25, 0.4), (newsletter.FirstTouch, newsletter.LastTouch, newsletter.Linear, newsletter.PositionBased));
        Assert.Null(google.FirstTouchRevenue);
    }

    [Fact]
    public async Task A_won_deal_credits_its_revenue_by_the_same_shares_and_the_lookback_window_leaves_older_touches_out()
    {
        var personId = await JourneyAsync($"ben-{Guid.NewGuid():N}", DateTimeOffset.UtcNow.AddHours(-3));
        await using (var db = await _world.App.Get<IDbContextFactory<MonfriDbContext>>().CreateDbContextAsync())
        {
            var pipeline = await db.Pipelines.Include(p => p.Stages).FirstAsync();
            var deal = Deal.Create(new DealDetails("Ben's deal", 1000, "EUR", null, null, null, [personId], [], new Dictionary<string, object?>()), pipeline.OpenStages.First(), null, 1, DateTimeOffset.UtcNow.AddHours(-2));
            deal.MoveToStage(pipeline.WonStage, 1, null, DateTimeOffset.UtcNow.AddMinutes(-1));
            db.Deals.Add(deal);
            await db.SaveChangesAsync();
        }

        var won = (await _world.App.SendAs(_world.Admin, new GetAttributionQuery(_today, AttributionConversion.DealWon, 30))).Value;
        // The deal was won ~3 hours after the journey began: a one-day window still holds it all, but move the
        // conversion's window past the touches and none is left.
        var none = (await _world.App.SendAs(_world.Admin, new GetAttributionQuery(_today with { From = _today.From.AddDays(-400), To = _today.From.AddDays(-370) }, AttributionConversion.DealWon, 1))).Value;

        Assert.Equal((1, 0), (won.Conversions, won.WithoutTouch));
        var google = Row(won, "google");
        Assert.Equal(("EUR", 1000m, 0m, 250m, 400m), (google.Currency, google.FirstTouchRevenue, google.LastTouchRevenue, google.LinearRevenue, google.PositionBasedRevenue));
        Assert.Equal(100m, Row(won, "direct").PositionBasedRevenue);
        Assert.Equal(1000m, Row(won, "newsletter").LastTouchRevenue);
        Assert.True(none.IsEmpty);
    }

    [Fact]
    public async Task A_conversion_with_no_touch_in_the_lookback_window_is_counted_apart_not_dropped()
    {
        var user = $"cy-{Guid.NewGuid():N}";
        var start = DateTimeOffset.UtcNow.AddDays(-3);
        await _world.SendAsync(Page(null, user, "https://shop.example/?utm_source=bing&utm_medium=cpc", null, start));
        await _world.SendAsync(new { type = "track", userId = user, @event = GetAttributionQuery.SignUpEvent, messageId = Guid.NewGuid().ToString(), properties = new { }, timestamp = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O") });
        await _world.ProcessAsync();

        var oneDay = (await _world.App.SendAs(_world.Admin, new GetAttributionQuery(_today, AttributionConversion.SignUp, 1))).Value;
        var week = (await _world.App.SendAs(_world.Admin, new GetAttributionQuery(_today, AttributionConversion.SignUp, 7))).Value;

        var cy = oneDay.Rows.Single(r => r.NoTouch);
        Assert.Equal((1.0, 1.0, 1.0, 1.0), (cy.FirstTouch, cy.LastTouch, cy.Linear, cy.PositionBased));
        Assert.True(oneDay.WithoutTouch >= 1);
        Assert.Equal(1.0, Row(week, "bing").FirstTouch);
    }

    [Fact]
    public async Task A_lookback_window_outside_one_to_365_days_is_refused()
    {
        var result = await _world.App.SendAs(_world.Admin, new GetAttributionQuery(_today, AttributionConversion.SignUp, 0));

        Assert.Equal(Monfri.Application.Common.Results.ResultStatus.Invalid, result.Status);
        Assert.Contains("lookback", result.ErrorMessage);
    }
}
