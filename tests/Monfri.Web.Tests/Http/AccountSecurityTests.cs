using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using Monfri.Domain.Common;
using Monfri.Infrastructure.Identity;

namespace Monfri.Web.Tests.Http;

/// <summary>The sign-in form tells nobody which emails have accounts; sign-out needs the app's own form; one CSP.</summary>
public sealed class AccountSecurityTests(MonfriWebFactory factory) : IClassFixture<MonfriWebFactory>
{
    private const string LockedMessage = "Too many failed attempts. Sign-in is locked for a while; try again in 15 minutes.";

    private async Task<string> CreateUserAsync(string password)
    {
        var email = $"known{Guid.NewGuid():N}@web.test";
        var created = await factory.ClientWithToken(MonfriWebFactory.AdminToken)
            .PostAsJsonAsync("/api/v1/users", new { email, displayName = "Known Person", password, roles = new[] { Roles.Sales } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return email;
    }

    [Fact]
    public async Task An_unknown_email_gets_the_same_answers_as_a_real_account_including_the_lockout()
    {
        var known = await CreateUserAsync("the-real-password");
        var client = factory.ClientFrom("203.0.113.30");
        var forKnown = new List<string?>();
        var forUnknown = new List<string?>();

        for (var attempt = 0; attempt < 6; attempt++)
        {
            forKnown.Add(await SignInForm.ErrorAsync(await SignInForm.SignInAsync(client, known, "a-wrong-password")));
            forUnknown.Add(await SignInForm.ErrorAsync(await SignInForm.SignInAsync(client, $"nobody-{known}", "a-wrong-password")));
        }

        Assert.Equal(forKnown, forUnknown);
        Assert.Equal(LockedMessage, forUnknown[4]);
        Assert.Equal(LockedMessage, forUnknown[5]);
        Assert.Equal("The email or password is incorrect.", forUnknown[3]);
    }

    [Fact]
    public async Task A_sign_in_for_an_unknown_email_checks_a_password_hash_as_one_for_a_real_account_does()
    {
        var checks = new HashChecks();
        await using var host = factory.WithWebHostBuilder(builder => builder.ConfigureServices(services =>
            services.AddScoped<IPasswordHasher<AppUser>>(_ => new CountingHasher(checks))));
        var known = await CreateUserAsync("the-real-password");
        var client = host.ClientFrom("203.0.113.34");
        await client.GetAsync("/account/login"); // started (start-up re-applies the admin password)
        var before = checks.Count;

        await SignInForm.SignInAsync(client, known, "a-wrong-password");
        var forKnown = checks.Count - before;
        await SignInForm.SignInAsync(client, $"nobody-{known}", "a-wrong-password");
        var forUnknown = checks.Count - before - forKnown;

        Assert.Equal(1, forKnown);
        Assert.Equal(1, forUnknown);
    }

    [Fact]
    public async Task An_unknown_email_takes_about_as_long_to_refuse_as_a_wrong_password()
    {
        var known = await CreateUserAsync("the-real-password");
        var client = factory.ClientFrom("203.0.113.31");
        await SignInForm.SignInAsync(client, $"warm-up-{known}", "a-wrong-password");
        var forKnown = new List<double>();
        var forUnknown = new List<double>();

        // Interleaved, so both see the same load; four each, so neither reaches the lockout (which skips the hash).
        for (var i = 0; i < 4; i++)
        {
            forKnown.Add(await TimeAsync(() => SignInForm.SignInAsync(client, known, "a-wrong-password")));
            forUnknown.Add(await TimeAsync(() => SignInForm.SignInAsync(client, $"nobody-{known}", "a-wrong-password")));
        }

        // Before the fix: 6 ms against 84 ms. Generous, for a loaded machine: the unknown email must cost a hash too.
        Assert.True(Median(forUnknown) > 0.4 * Median(forKnown), $"unknown {Median(forUnknown):F1} ms, known {Median(forKnown):F1} ms");
    }

    [Fact]
    public async Task Signing_out_without_the_antiforgery_token_is_refused_and_the_session_stays()
    {
        var client = factory.ClientFrom("203.0.113.32");
        Assert.Equal(HttpStatusCode.Redirect, (await SignInForm.SignInAsync(client, "admin@web.test", "web-admin-password")).StatusCode);
        var home = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        var token = SignInForm.AntiforgeryToken(await home.Content.ReadAsStringAsync());

        var forged = await client.PostAsync("/account/logout", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);

        var real = await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, real.StatusCode);
        Assert.Equal("/account/login?signedOut=1", real.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
    }

    [Theory]
    [InlineData("/account/login", false)]
    [InlineData("/", true)]
    public async Task A_page_carries_one_content_security_policy_whose_websockets_go_only_to_the_app(string path, bool signedIn)
    {
        var client = factory.ClientFrom("203.0.113.33");
        if (signedIn)
        {
            Assert.Equal(HttpStatusCode.Redirect, (await SignInForm.SignInAsync(client, "admin@web.test", "web-admin-password")).StatusCode);
        }

        var page = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var policy = Assert.Single(page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        var connect = policy.Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("connect-src ", StringComparison.Ordinal));
        Assert.Equal("connect-src 'self' ws://localhost wss://localhost", connect);
    }

    private static async Task<double> TimeAsync(Func<Task<HttpResponseMessage>> signIn)
    {
        var clock = Stopwatch.StartNew();
        using var response = await signIn();
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values) =>
        values.Order().Skip((values.Count - 1) / 2).Take(2 - values.Count % 2).Average();

    private sealed class HashChecks
    {
        private int _count;
        public int Count => _count;
        public void Add() => Interlocked.Increment(ref _count);
    }

    private sealed class CountingHasher(HashChecks checks) : IPasswordHasher<AppUser>
    {
        private readonly PasswordHasher<AppUser> _inner = new();

        public string HashPassword(AppUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(AppUser user, string hashedPassword, string providedPassword)
        {
            checks.Add();
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
