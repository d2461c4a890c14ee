using Ganss.Xss;

namespace Monfri.Application.Common.Text;

/// <summary>
/// Sanitizes user-written rich text (note bodies) on the server before it is stored: formatting stays,
/// scripts, event handlers, styles and foreign frames go. Nothing user-typed is rendered unsanitized.
/// </summary>
public static class RichText
{
    private static readonly HtmlSanitizer Sanitizer = Create();

    public static string? Sanitize(string? html) =>
        string.IsNullOrWhiteSpace(html) ? null : Sanitizer.Sanitize(html).Trim() is { Length: > 0 } clean ? clean : null;

    /// <summary>Plain text for previews, search and exports.</summary>
    public static string ToPlainText(string? html) =>
        string.IsNullOrEmpty(html) ? "" : System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>", " ")).Trim();

    private static HtmlSanitizer Create()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedTags.Clear();
        foreach (var tag in new[] { "p", "br", "b", "strong", "i", "em", "u", "s", "ul", "ol", "li", "a", "blockquote", "code", "pre", "h1", "h2", "h3", "h4" })
        {
            sanitizer.AllowedTags.Add(tag);
        }

        sanitizer.AllowedAttributes.Clear();
        sanitizer.AllowedAttributes.Add("href");
        sanitizer.AllowedSchemes.Clear();
        sanitizer.AllowedSchemes.Add("http");
        sanitizer.AllowedSchemes.Add("https");
        sanitizer.AllowedSchemes.Add("mailto");
        sanitizer.AllowedCssProperties.Clear();
        // Links open outside the app and do not leak the app's URL.
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement { TagName: "A" } link)
            {
                link.SetAttribute("rel", "noopener noreferrer nofollow");
                link.SetAttribute("target", "_blank");
            }
        };
        sanitizer.AllowedAttributes.Add("rel");
        sanitizer.AllowedAttributes.Add("target");
        return sanitizer;
    }
}
