using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Monfri.Infrastructure.Postgres;
using Monfri.Web.Security;

namespace Monfri.Web.Tests.Http;

/// <summary>Sign-in and the API refuse a client that asks too often, with 429 and Retry-After; collection does not.</summary>
public sealed class RateLimitTests(MonfriWebFactory factory) : IClassFixture<MonfriWebFactory>
{
    private static void AssertTooManyRequests(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task Sign_ins_against_many_accounts_from_one_address_are_refused_after_the_limit()
    {
        await using var host = factory.WithSettings(new Dictionary<string, string>
        {
            ["Monfri:RateLimits:SignInsPerMinute"] = "5",
            ["Monfri:RateLimits:FailedSignInsPerHour"] = "1000",
        });
        var attacker = host.ClientFrom("203.0.113.10");

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 8; i++)
        {
            answers.Add(await SignInForm.SignInAsync(attacker, $"person{i}@web.test", "Summer2026!"));
        }

        Assert.All(answers.Take(5), a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.All(answers.Skip(5), AssertTooManyRequests);
        Assert.Contains("Too many sign-in attempts", await answers[^1].Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Counted per address: someone else signs in meanwhile.
        var colleague = await SignInForm.SignInAsync(host.ClientFrom("198.51.100.20"), "admin@web.test", "web-admin-password");
        Assert.Equal(HttpStatusCode.Redirect, colleague.StatusCode);
    }

    [Fact]
    public async Task Failed_sign_ins_across_accounts_from_one_address_stop_further_tries_even_with_a_right_password()
    {
        await using var host = factory.WithSettings(new Dictionary<string, string>
        {
            ["Monfri:RateLimits:SignInsPerMinute"] = "1000",
            ["Monfri:RateLimits:FailedSignInsPerHour"] = "3",
        });
        var sprayer = host.ClientFrom("203.0.113.11");
        for (var i = 0; i < 3; i++)
        {
            var failed = await SignInForm.SignInAsync(sprayer, $"sprayed{i}@web.test", "Summer2026!");
            Assert.Equal("The email or password is incorrect.", await SignInForm.ErrorAsync(failed));
        }

        var refused = await SignInForm.SignInAsync(sprayer, "admin@web.test", "web-admin-password");

        AssertTooManyRequests(refused);
        Assert.StartsWith("Too many failed sign-ins from your network", await SignInForm.ErrorAsync(refused), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await sprayer.GetAsync("/")).StatusCode); // not signed in
        Assert.Equal(HttpStatusCode.Redirect, (await SignInForm.SignInAsync(host.ClientFrom("198.51.100.21"), "admin@web.test", "web-admin-password")).StatusCode);
    }

    [Fact]
    public async Task Api_calls_with_invalid_tokens_are_refused_after_the_limit_while_a_valid_token_still_works()
    {
        await using var host = factory.WithSettings(new Dictionary<string, string> { ["Monfri:RateLimits:UnauthenticatedApiRequestsPerMinute"] = "10" });
        var guesser = host.ClientFrom("203.0.113.12");

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 14; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
            request.Headers.Authorization = new("Bearer", $"mfp_guess_{i:D4}_0000000000000000000000");
            answers.Add(await guesser.SendAsync(request));
        }

        Assert.All(answers.Take(10), a => Assert.Equal(HttpStatusCode.Unauthorized, a.StatusCode));
        Assert.All(answers.Skip(10), AssertTooManyRequests);
        Assert.Equal("application/problem+json", answers[^1].Content.Headers.ContentType?.MediaType);
        Assert.Equal(429, (await answers[^1].Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32());
        using var valid = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        valid.Headers.Authorization = new("Bearer", MonfriWebFactory.AdminToken);
        Assert.Equal(HttpStatusCode.OK, (await guesser.SendAsync(valid)).StatusCode);
    }

    [Fact]
    public async Task One_token_is_limited_on_its_own()
    {
        await using var host = factory.WithSettings(new Dictionary<string, string> { ["Monfri:RateLimits:ApiRequestsPerMinute"] = "5" });
        var script = host.ClientFrom("203.0.113.13");
        script.DefaultRequestHeaders.Authorization = new("Bearer", MonfriWebFactory.AdminToken);

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
        {
            answers.Add((await script.GetAsync("/api/v1/me")).StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], answers);
        AssertTooManyRequests(await script.GetAsync("/api/v1/me"));
        // Pages and the health check are not the API.
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task Collection_keeps_its_own_limits_and_is_not_counted_as_api_traffic()
    {
        await using var host = factory.WithSettings(new Dictionary<string, string>
        {
            ["Monfri:RateLimits:ApiRequestsPerMinute"] = "1",
            ["Monfri:RateLimits:UnauthenticatedApiRequestsPerMinute"] = "1",
        });
        var site = host.ClientFrom("203.0.113.14");

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await site.GetAsync("/t.js")).StatusCode);
            var batch = await site.PostAsync("/v1/batch", new StringContent("{\"batch\":[]}", System.Text.Encoding.UTF8, "application/json"));
            Assert.NotEqual(HttpStatusCode.TooManyRequests, batch.StatusCode);
        }
    }

    [Fact]
    public void The_defaults_are_real_limits_and_a_limit_below_one_stops_start_up_naming_the_setting()
    {
        var defaults = new RateLimitOptions();
        Assert.Equal((20, 20, 1200, 60), (defaults.SignInsPerMinute, defaults.FailedSignInsPerHour, defaults.ApiRequestsPerMinute, defaults.UnauthenticatedApiRequestsPerMinute));

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Monfri:RateLimits:ApiRequestsPerMinute"] = "0" }).Build();
        var error = Assert.Throws<MonfriStartupException>(() => new ServiceCollection().AddMonfriRateLimiting(configuration));
        Assert.Contains("Monfri__RateLimits__ApiRequestsPerMinute must be at least 1", error.Message, StringComparison.Ordinal);
    }
}
