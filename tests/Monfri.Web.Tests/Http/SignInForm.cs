using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Monfri.Web.Tests.Http;

/// <summary>The sign-in form as a browser posts it, from a chosen client address.</summary>
internal static partial class SignInForm
{
    /// <summary>The in-memory test server has no client address; this header gives each request one.</summary>
    public const string AddressHeader = "X-Test-Client-Address";

    /// <summary>Makes each request come from the address in its <see cref="AddressHeader"/>.</summary>
    public static IWebHostBuilder WithClientAddressHeader(this IWebHostBuilder builder) =>
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, ClientAddressFromHeader>());

    /// <summary>Another host on <paramref name="factory"/>'s database, with these settings.</summary>
    public static WebApplicationFactory<Program> WithSettings(this WebApplicationFactory<Program> factory, IDictionary<string, string> settings) =>
        factory.WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });

    /// <summary>A client with its own cookies, sending from <paramref name="address"/>.</summary>
    public static HttpClient ClientFrom(this WebApplicationFactory<Program> factory, string address)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add(AddressHeader, address);
        return client;
    }

    /// <summary>Opens the sign-in page and submits it, with the page's antiforgery token, as the browser does.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password)
    {
        var page = await client.GetStringAsync("/account/login");
        return await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = AntiforgeryToken(page),
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }));
    }

    /// <summary>The hidden antiforgery field of the first form on <paramref name="html"/>.</summary>
    public static string AntiforgeryToken(string html) =>
        TokenField().Match(html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException("No antiforgery token on the page.");

    /// <summary>The error the sign-in form shows, or null.</summary>
    public static async Task<string?> ErrorAsync(HttpResponseMessage response) =>
        LoginError().Match(await response.Content.ReadAsStringAsync()) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value).Trim() : null;

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    [GeneratedRegex("data-testid=\"login-error\">([^<]*)<")]
    private static partial Regex LoginError();

    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[AddressHeader].ToString(), out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
