namespace Monfri.Infrastructure.Persistence;

/// <summary>
/// How companies are matched, as SQL so that one definition serves the single lookup and the workspace-wide
/// pair listing (<see cref="DuplicateQueries"/>) and the ingest's company links, and the database does the comparing.
/// </summary>
public static class CompanyMatchKeys
{
    private const string LegalForms = "inc|incorporated|llc|llp|lp|ltd|limited|gmbh|ag|kg|sa|sas|sarl|srl|spa|bv|nv|corp|corporation|co|company|plc|oy|ab|as|pty|pte";

    /// <summary>"Acme, Inc." → "acme": lower case, no punctuation or spaces, trailing legal forms dropped.</summary>
    public static string NameKey(string expression) =>
        $"replace(regexp_replace(' ' || btrim(regexp_replace(lower({expression}), '[^[:alnum:]]+', ' ', 'g')), '( ({LegalForms}))+$', ''), ' ', '')";

    /// <summary>The registered domain: "eu.acme.com" → "acme.com", "shop.acme.co.uk" → "acme.co.uk".</summary>
    public static string DomainRoot(string expression) =>
        $"substring({expression} from '([^.]+\\.(?:(?:co|com|org|net|ac|gov|edu)\\.[a-z][a-z]|[^.]+))$')";
}
