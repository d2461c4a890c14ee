using Microsoft.Playwright;

namespace Monfri.TestSupport;

/// <summary>
/// Headless system Chromium driven by Playwright (never a downloaded browser). One per test class;
/// each test opens its own context, so cookies never leak between tests.
/// </summary>
public sealed class BrowserFixture(string? language = null) : IAsyncDisposable
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("MONFRI_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task<IBrowser> BrowserAsync()
    {
        if (_browser is not null)
        {
            return _browser;
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                .. language is null ? Array.Empty<string>() : [$"--lang={language}"]],
            // A context's Locale changes navigator.language and Intl, not the layout of the browser's own date and
            // time controls: those follow the browser's language, which Chromium on Linux reads from the environment.
            Env = language is null ? null : EnvironmentWithLanguage(language),
        });
        return _browser;
    }

    private static Dictionary<string, string> EnvironmentWithLanguage(string language)
    {
        // Playwright replaces the browser's whole environment with this one, so it starts from ours.
        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
        var posix = language.Replace('-', '_');
        environment["LANGUAGE"] = posix;
        environment["LANG"] = $"{posix}.UTF-8";
        environment["LC_ALL"] = $"{posix}.UTF-8";
        return environment;
    }

    public async Task<IPage> NewPageAsync(string baseUrl)
    {
        var context = await (await BrowserAsync()).NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    /// <summary>Navigates and waits until the page is interactive (its Blazor circuit is connected).</summary>
    public static async Task GotoAsync(IPage page, string url)
    {
        await page.GotoAsync(url);
        await page.WaitForSelectorAsync("[data-testid=app-ready]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
    }

    /// <summary>Signs in through the real sign-in form and waits for the app shell.</summary>
    public static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/account/login");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("[data-testid=sign-in]");
        await page.WaitForSelectorAsync("[data-testid=signed-in-user]");
        await page.WaitForSelectorAsync("[data-testid=app-ready]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
