using System.Globalization;
using System.Net;
using System.Text;
using Bogus;
using Monfri.Domain.Crm;
using Person = Monfri.Domain.Crm.Person; // Bogus has a Person too

namespace Monfri.Infrastructure.Demo;

/// <summary>The demo team's user ids by role; the first of each list is the login the banner shows.</summary>
internal sealed record DemoTeam(Guid[] Managers, Guid[] Sales, Guid[] Marketing);

/// <summary>The custom fields the demo fills; null when the workspace already uses that key for another kind of field.</summary>
internal sealed record DemoFields(CustomFieldDefinition? ContractTier, CustomFieldDefinition? Arr, CustomFieldDefinition? Source);

/// <summary>A demo contact as the event history sees them: who, since when, and how their deals went.</summary>
internal sealed record DemoPerson(string Email, string FirstName, string LastName, DateTimeOffset CreatedAt, string? Company, string LifecycleStage, IReadOnlyList<DemoDealOutcome> Deals);

/// <summary>One deal a contact is on; <see cref="FirstContact"/> is the one who orders when it is won.</summary>
internal sealed record DemoDealOutcome(DealStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? ClosedAt, decimal Amount, bool Partner, bool FirstContact);

/// <summary>
/// The demo workspace, generated in memory through the domain's own methods (so every rule holds: stage
/// histories come from <see cref="Deal.MoveToStage"/>) from one fixed seed, so every first start shows the
/// same companies, people and deals, dated relative to today.
/// </summary>
internal sealed class DemoContent
{
    public const int Seed = 20261129;
    public const int CompanyCount = 300;
    public const int ContactCount = 3000;
    public const int SalesDealCount = 300;
    public const int PartnershipDealCount = 100;

    // Reserved top-level domain (RFC 2606): demo addresses look real but can never reach a real inbox,
    // even when someone sends a campaign to the demo contacts.
    private const string Tld = "example";

    private static readonly string[] FreeMailDomains = ["mail.example", "webmail.example", "inbox.example", "post.example"];

    private static readonly string[] Industries =
    [
        "Software", "Manufacturing", "Logistics", "Retail", "Healthcare", "Financial services", "Education", "Energy",
        "Construction", "Media", "Hospitality", "Professional services", "Telecommunications", "Automotive", "Food & beverage",
    ];

    private static readonly (string Size, double Weight, double Contacts)[] Sizes =
    [
        ("1-10", 15, 2), ("11-50", 30, 5), ("51-200", 27, 8), ("201-500", 14, 12), ("501-1000", 8, 16), ("1000+", 6, 22),
    ];

    private static readonly string[] JobTitles =
    [
        "CEO", "Managing Director", "CFO", "CTO", "COO", "Head of Sales", "Sales Manager", "Account Executive", "Head of Marketing",
        "Marketing Manager", "Procurement Lead", "Purchasing Manager", "Operations Manager", "IT Director", "IT Manager",
        "Product Manager", "Office Manager", "HR Manager", "Finance Manager", "Project Manager", "Customer Success Manager",
    ];

    private static readonly (string Stage, double Weight)[] Lifecycle =
    [
        (LifecycleStages.Subscriber, 8), (LifecycleStages.Lead, 40), (LifecycleStages.MarketingQualified, 17),
        (LifecycleStages.SalesQualified, 10), (LifecycleStages.Opportunity, 5), (LifecycleStages.Customer, 17), (LifecycleStages.Evangelist, 3),
    ];

    private static readonly (string Source, double Weight)[] LeadSources =
    [
        ("Website", 30), ("Referral", 15), ("Trade show", 10), ("LinkedIn", 12), ("Cold outreach", 10), ("Webinar", 10), ("Partner", 6), ("Paid search", 7),
    ];

    private static readonly string[] ContactTags = ["newsletter", "decision-maker", "champion", "webinar-attendee", "trade-show", "technical", "budget-holder"];
    private static readonly string[] CompanyTags = ["key-account", "churn-risk", "expansion", "reference-customer", "public-sector"];
    private static readonly string[] SalesProducts = ["Platform licence", "Annual subscription", "Team seats", "Expansion", "Renewal", "Onboarding package", "Enterprise plan", "Pilot"];
    private static readonly string[] PartnerProducts = ["Reseller agreement", "Integration partnership", "Referral partnership", "Co-marketing", "OEM licence"];

    private static readonly string[] LostReasons =
    [
        "Chose a competitor", "No budget this year", "Timing: revisit next year", "No decision made", "Built it in-house", "Price too high", "Champion left the company",
    ];

    // Most young deals are still open; older ones have mostly been decided.
    private static readonly (DealStatus Status, double Weight)[] YoungOutcomes = [(DealStatus.Open, 85), (DealStatus.Won, 5), (DealStatus.Lost, 10)];
    private static readonly (DealStatus Status, double Weight)[] Outcomes = [(DealStatus.Open, 55), (DealStatus.Won, 25), (DealStatus.Lost, 20)];
    private static readonly (string Tier, double Weight)[] ContractTiers = [("Bronze", 50), ("Silver", 35), ("Gold", 15)];
    private static readonly (string Source, double Weight)[] DealSources = [("Inbound", 55), ("Outbound", 35), ("Partner", 10)];

    private static readonly (ActivityType Type, double Weight)[] ActivityTypes = [(ActivityType.Note, 35), (ActivityType.Call, 40), (ActivityType.Meeting, 25)];
    private static readonly string[] CallSubjects = ["Discovery call", "Follow-up call", "Pricing call", "Check-in call", "Reference call", "Call about the contract"];
    private static readonly string[] MeetingSubjects = ["Product demo", "On-site workshop", "Proposal review", "Kick-off meeting", "Quarterly business review", "Technical deep dive"];
    private static readonly string[] NoteSubjects = ["Budget confirmed", "Competitor in play", "Decision expected next month", "Needs SSO and audit log", "Legal review started", "Wants a longer trial"];

    private static readonly string[] Bodies =
    [
        "Good conversation. They want to see the reporting in more detail before the next step.",
        "Procurement needs two more quotes; we are the preferred option so far.",
        "Main concern is the migration of their existing data. Offered help from onboarding.",
        "Decision maker joined for the second half and asked about pricing for 50+ seats.",
        "They compared us with two competitors; integrations and support were the deciding points.",
        "Agreed to send a short summary and a draft timeline by Friday.",
    ];

    private static readonly Func<string, string, string>[] TaskSubjects =
    [
        (person, company) => $"Send the proposal to {person}",
        (person, company) => $"Call {person} about pricing",
        (person, company) => $"Prepare the demo for {company}",
        (person, company) => $"Follow up with {person} after the meeting",
        (person, company) => $"Check the contract draft with {person}",
        (person, company) => $"Book a meeting with {person}",
        (person, company) => $"Update the close date for {company}",
    ];

    private static readonly HashSet<string> LegalWords =
    [
        "gmbh", "ag", "kg", "co", "inc", "llc", "ltd", "group", "sa", "sarl", "sas", "bv", "nv", "vof", "and", "und", "en", "et", "the", "e", "v",
    ];

    private readonly Randomizer _random = new(Seed);
    private readonly (DemoLocale Locale, double Weight)[] _locales;
    private readonly DemoTeam _team;
    private readonly DemoFields _fields;
    private readonly DateTimeOffset _now;
    private readonly HashSet<string> _domains;
    private readonly HashSet<string> _emails = [];
    private readonly Dictionary<Guid, double> _positions = [];
    private readonly List<DemoCompany> _companies = [];
    private readonly List<DemoContact> _contacts = [];
    private readonly List<DemoDeal> _deals = [];
    private readonly List<Activity> _activities = [];

    private DemoContent(DemoTeam team, DemoFields fields, IEnumerable<string> takenDomains, DateTimeOffset now)
    {
        _team = team;
        _fields = fields;
        _now = now;
        _domains = new HashSet<string>(takenDomains, StringComparer.OrdinalIgnoreCase);
        // One random stream for every locale, so the whole workspace follows from the one seed.
        _locales =
        [
            (Locale("en_GB", "+44 20 #### ####", "+44 161 ### ####", "+44 7### ######"), 45),
            (Locale("de", "+49 30 #######", "+49 89 #######", "+49 15# ########"), 25),
            (Locale("fr", "+33 1 ## ## ## ##", "+33 4 ## ## ## ##", "+33 6 ## ## ## ##"), 15),
            (Locale("nl", "+31 20 ### ####", "+31 10 ### ####", "+31 6 ########"), 15),
        ];
    }

    public IEnumerable<Company> Companies => _companies.Select(c => c.Company);
    public IEnumerable<Person> Contacts => _contacts.Select(c => c.Person);
    public IEnumerable<Deal> Deals => _deals.Select(d => d.Deal);
    public IReadOnlyList<Activity> Activities => _activities;

    /// <summary>The contacts as the event history needs them (in generation order, so the history follows from the seed too).</summary>
    public IReadOnlyList<DemoPerson> People
    {
        get
        {
            var deals = _deals.SelectMany(d => d.Contacts.Select((c, i) => (c, Outcome: new DemoDealOutcome(
                    d.Deal.Status, d.Deal.CreatedAt, d.Deal.ClosedAt, d.Deal.Amount ?? 0m, d.Partner, i == 0))))
                .ToLookup(x => x.c, x => x.Outcome);
            return _contacts.Select(c => new DemoPerson(
                c.Person.Email!, c.Person.FirstName ?? "", c.Person.LastName ?? "", c.Person.CreatedAt, c.Company?.Company.Name,
                c.Details.LifecycleStage, [.. deals[c]])).ToList();
        }
    }

    public static DemoContent Generate(DemoTeam team, Pipeline salesPipeline, Pipeline partnerships, DemoFields fields, IEnumerable<string> takenDomains, DateTimeOffset now)
    {
        var content = new DemoContent(team, fields, takenDomains, now);
        content.AddCompanies();
        content.AddContacts();
        for (var i = 0; i < SalesDealCount; i++)
        {
            content.AddDeal(salesPipeline, partner: false);
        }

        for (var i = 0; i < PartnershipDealCount; i++)
        {
            content.AddDeal(partnerships, partner: true);
        }

        content.AddActivities();
        content.AddTasks();
        return content;
    }

    private DemoLocale Locale(string locale, params string[] phoneFormats) => new(new Faker(locale) { Random = _random }, phoneFormats);

    private void AddCompanies()
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (_companies.Count < CompanyCount)
        {
            var locale = Pick(_locales);
            var name = locale.Faker.Company.CompanyName();
            if (name.Length > 80 || !names.Add(name))
            {
                continue;
            }

            var (size, _, contacts) = Pick(Sizes.Select(s => (s, s.Weight)).ToArray());
            var custom = new Dictionary<string, object?>();
            if (_fields.Arr is not null && _random.Double() < 0.6)
            {
                custom[_fields.Arr.Key] = Round(3_000 * contacts * Math.Exp(0.7 * Gaussian()), 1_000);
            }

            var details = new CompanyDetails(
                name, UniqueDomain(name), _random.ArrayElement(Industries), size, _random.ListItem(_team.Sales),
                Tags(CompanyTags, 0.25), custom);
            var company = Company.Create(details, Moment(_now - Days(720), _now - Days(200)));
            _companies.Add(new DemoCompany(company, locale, _random.Int(0, 2), contacts));
        }
    }

    private void AddContacts()
    {
        // Everyone works somewhere except the people who signed up with a private address.
        const int withCompany = ContactCount * 4 / 5;
        foreach (var company in _companies)
        {
            AddContact(company);
        }

        var weighted = _companies.Select(c => (c, c.ContactWeight)).ToArray();
        while (_contacts.Count < withCompany)
        {
            AddContact(Pick(weighted));
        }

        while (_contacts.Count < ContactCount)
        {
            AddContact(null);
        }
    }

    private void AddContact(DemoCompany? company)
    {
        var locale = company?.Locale ?? Pick(_locales);
        var first = locale.Faker.Name.FirstName();
        var last = locale.Faker.Name.LastName();
        var email = company is null ? FreeMailAddress(first, last) : WorkAddress(company, first, last);
        var stage = Pick(Lifecycle);
        var custom = new Dictionary<string, object?>();
        if (Rank(stage) >= Rank(LifecycleStages.Customer))
        {
            AddContractTier(custom);
        }

        var createdAt = company is null
            ? Moment(_now - Days(540), _now - Days(1))
            : Moment(company.Company.CreatedAt, _now - Days(1));
        var details = new ContactDetails(
            first, last, email, [],
            _random.Double() < 0.7 ? locale.Faker.Phone.PhoneNumber(_random.ArrayElement(locale.PhoneFormats)) : null,
            company is not null || _random.Bool() ? _random.ArrayElement(JobTitles) : null,
            company?.Company.Id,
            company is not null && _random.Double() < 0.85 ? company.Company.OwnerId : _random.ListItem(_team.Sales),
            stage,
            Pick(LeadSources),
            Tags(ContactTags, 0.3),
            custom);
        var contact = new DemoContact(Person.CreateContact(details, createdAt), details, company);
        _contacts.Add(contact);
        company?.Contacts.Add(contact);
    }

    private void AddDeal(Pipeline pipeline, bool partner)
    {
        var open = pipeline.OpenStages.ToList();
        if (open.Count == 0)
        {
            return; // a pipeline the workspace already had, without open stages: nothing can sit in it
        }

        var company = Pick(_companies.Select(c => (c, c.ContactWeight)).ToArray());
        var createdAt = Moment(_now - Days(180), _now - Days(3));
        var age = (_now - createdAt).TotalDays;
        var outcome = Pick(age < 14 ? YoungOutcomes : Outcomes);
        var path = StagePath(pipeline, open, outcome);

        // The last move closes a closed deal. Most open deals entered their stage (moved, or were created there)
        // within the last two weeks; the rest have sat there long enough to show as rotting.
        var idle = _random.Double() < 0.75 ? _random.Double(0.1, 12) : _random.Double(15, 45);
        if (outcome == DealStatus.Open && path.Count == 1)
        {
            createdAt = Moment(_now - Days(idle) - Hours(4), _now - Days(idle));
            age = (_now - createdAt).TotalDays;
        }

        idle = Math.Min(idle, age / 2);
        var end = outcome == DealStatus.Open
            ? Moment(_now - Days(idle) - Hours(4), _now - Days(idle))
            : Moment(createdAt + Days(age * 0.35), createdAt + Days(age * 0.95));
        var times = path.Count == 1 ? [] : Enumerable.Range(0, path.Count - 2).Select(_ => Moment(createdAt, end)).Append(end).Order().ToList();
        for (var i = 0; i < times.Count; i++)
        {
            var previous = i == 0 ? createdAt : times[i - 1];
            if (times[i] <= previous)
            {
                times[i] = previous + TimeSpan.FromMinutes(5); // two moves at one instant would make the order ambiguous
            }
        }

        var closeDate = outcome != DealStatus.Open
            ? DateOnly.FromDateTime(times[^1].UtcDateTime)
            : DateOnly.FromDateTime((_random.Double() < 0.12 ? _now - Days(_random.Double(1, 20)) : _now + Days(_random.Double(7, 120))).UtcDateTime);
        var owner = partner && _random.Double() < 0.4 ? _random.ListItem(_team.Managers)
            : _random.Double() < 0.8 ? company.Company.OwnerId!.Value
            : _random.ListItem(_team.Sales);
        var contacts = _random.ListItems(company.Contacts, Math.Min(company.Contacts.Count, _random.Int(1, 3)));
        var custom = new Dictionary<string, object?>();
        if (_fields.Source is not null)
        {
            custom[_fields.Source.Key] = partner ? "Partner" : Pick(DealSources);
        }

        var details = new DealDetails(
            $"{company.Company.Name} – {_random.ArrayElement(partner ? PartnerProducts : SalesProducts)}",
            partner ? Round(40_000 * Math.Exp(0.6 * Gaussian()), 500) : Round(12_000 * Math.Exp(0.8 * Gaussian()), 100),
            "EUR", closeDate, owner, company.Company.Id, [.. contacts.Select(c => c.Person.Id)],
            Tags(["upsell", "strategic", "q-end-push", "multi-year"], 0.2), custom);
        var deal = Deal.Create(details, path[0], owner, NextPosition(path[0]), createdAt);
        for (var i = 1; i < path.Count; i++)
        {
            var lostReason = path[i].Kind == StageKind.Lost ? _random.ArrayElement(LostReasons) : null;
            deal.MoveToStage(path[i], NextPosition(path[i]), owner, times[i - 1], lostReason);
        }

        _deals.Add(new DemoDeal(deal, company, [.. contacts], partner));
        foreach (var contact in contacts)
        {
            // People on a deal have moved on in their lifecycle: opportunities while open, customers once won.
            var reached = outcome == DealStatus.Won ? LifecycleStages.Customer : LifecycleStages.Opportunity;
            if (outcome != DealStatus.Lost && Rank(contact.Details.LifecycleStage) < Rank(reached))
            {
                contact.Promote(reached, reached == LifecycleStages.Customer ? AddContractTier : null, deal.ClosedAt ?? createdAt);
            }
        }
    }

    /// <summary>The stages a deal went through, first to current; mostly forward, sometimes skipping one or stepping back.</summary>
    private List<PipelineStage> StagePath(Pipeline pipeline, List<PipelineStage> open, DealStatus outcome)
    {
        var start = open.Count > 1 && _random.Double() < 0.15 ? 1 : 0;
        var target = outcome switch
        {
            DealStatus.Won => open.Count - 1,
            DealStatus.Lost => _random.Int(start, open.Count - 1),
            _ => start + Pick(Enumerable.Range(0, open.Count - start).Select(i => (i, 1.0 / (i + 1))).ToArray()),
        };
        var path = new List<PipelineStage> { open[start] };
        for (var at = start; at < target;)
        {
            at += at + 2 <= target && _random.Double() < 0.12 ? 2 : 1;
            path.Add(open[at]);
            if (at < target && _random.Double() < 0.06)
            {
                path.Add(open[at - 1]);
                path.Add(open[at]);
            }
        }

        if (outcome != DealStatus.Open)
        {
            path.Add(outcome == DealStatus.Won ? pipeline.WonStage : pipeline.LostStage);
        }

        return path;
    }

    private void AddActivities()
    {
        var window = _now - Days(90);
        foreach (var deal in _deals)
        {
            var from = Max(deal.Deal.CreatedAt, window);
            var to = deal.Deal.ClosedAt ?? _now - Hours(1);
            for (var i = _random.Int(1, 6); i > 0 && from < to; i--)
            {
                Log(deal.Contacts.Count > 0 ? _random.ListItem(deal.Contacts) : null, deal.Company.Company, deal.Deal, deal.Deal.OwnerId, Moment(from, to));
            }
        }

        foreach (var contact in _random.ListItems(_contacts, 1200))
        {
            var from = Max(contact.Person.CreatedAt, window);
            if (from < _now - Hours(1))
            {
                Log(contact, contact.Company?.Company, null, contact.Person.OwnerId, Moment(from, _now - Hours(1)));
            }
        }
    }

    private void Log(DemoContact? contact, Company? company, Deal? deal, Guid? by, DateTimeOffset at)
    {
        var type = Pick(ActivityTypes);
        var subject = _random.ArrayElement(type switch
        {
            ActivityType.Call => CallSubjects,
            ActivityType.Meeting => MeetingSubjects,
            _ => NoteSubjects,
        });
        var body = $"<p>{WebUtility.HtmlEncode(_random.ArrayElement(Bodies))}</p>";
        _activities.Add(Activity.Log(new ActivityDetails(type, subject, body, contact?.Person.Id, company?.Id, deal?.Id, at, null, null), by, at));
        contact?.Person.TouchActivity(at);
        company?.TouchActivity(at);
        deal?.TouchActivity(at);
    }

    /// <summary>Every rep's task list: a few overdue, some due today, more coming up, and some done.</summary>
    private void AddTasks()
    {
        var endOfToday = new DateTimeOffset(_now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero) - TimeSpan.FromMinutes(1);
        foreach (var rep in _team.Sales)
        {
            var deals = _deals.Where(d => d.Deal.OwnerId == rep && d.Deal.Status == DealStatus.Open && d.Contacts.Count > 0).ToList();
            if (deals.Count == 0)
            {
                continue;
            }

            for (var i = _random.Int(2, 4); i > 0; i--)
            {
                var deal = _random.ListItem(deals);
                AddTask(rep, deal, Moment(Max(deal.Deal.CreatedAt + Hours(1), _now - Days(10)), _now - Hours(2)), completedAt: null);
            }

            for (var i = _random.Int(1, 3); i > 0; i--)
            {
                AddTask(rep, _random.ListItem(deals), _now + (endOfToday - _now) * _random.Double(0.2, 0.9), completedAt: null);
            }

            for (var i = _random.Int(3, 7); i > 0; i--)
            {
                var day = _now.UtcDateTime.Date.AddDays(_random.Int(1, 21)).AddHours(_random.Int(8, 17));
                AddTask(rep, _random.ListItem(deals), new DateTimeOffset(day, TimeSpan.Zero), completedAt: null);
            }

            for (var i = _random.Int(4, 8); i > 0; i--)
            {
                var deal = _random.ListItem(deals);
                var due = Moment(Max(deal.Deal.CreatedAt + Hours(1), _now - Days(80)), _now - Hours(2));
                AddTask(rep, deal, due, due - Hours(_random.Double(0, 48)));
            }
        }
    }

    private void AddTask(Guid rep, DemoDeal deal, DateTimeOffset due, DateTimeOffset? completedAt)
    {
        var contact = _random.ListItem(deal.Contacts);
        var createdAt = Max(Min(due, _now) - Days(_random.Double(1, 10)), deal.Deal.CreatedAt);
        var subject = _random.ArrayElement(TaskSubjects)(contact.Person.FirstName ?? "them", deal.Company.Company.Name);
        var task = Activity.Log(
            new ActivityDetails(ActivityType.Task, subject, null, contact.Person.Id, deal.Company.Company.Id, deal.Deal.Id, null, due, rep),
            rep,
            createdAt);
        if (completedAt is not null)
        {
            task.Complete(true, Max(completedAt.Value, createdAt));
        }

        _activities.Add(task);
    }

    private void AddContractTier(Dictionary<string, object?> custom)
    {
        if (_fields.ContractTier is not null)
        {
            custom[_fields.ContractTier.Key] = Pick(ContractTiers);
        }
    }

    private string UniqueDomain(string companyName)
    {
        var stem = string.Join("-", Words(companyName).Where(w => w.Length > 1 && !LegalWords.Contains(w)).DefaultIfEmpty("company").Take(2));
        var domain = $"{stem}.{Tld}";
        for (var n = 2; !_domains.Add(domain); n++)
        {
            domain = $"{stem}{n}.{Tld}";
        }

        return domain;
    }

    /// <summary>Each company writes its addresses one way: first.last@, f.last@ or first@.</summary>
    private string WorkAddress(DemoCompany company, string first, string last)
    {
        var (f, l) = (string.Concat(Words(first)), string.Concat(Words(last)));
        var local = company.EmailPattern switch
        {
            0 => $"{f}.{l}",
            1 => $"{f[..Math.Min(1, f.Length)]}.{l}",
            _ => f,
        };
        return UniqueEmail(local, company.Company.Domain!);
    }

    private string FreeMailAddress(string first, string last) =>
        UniqueEmail($"{string.Concat(Words(first))}.{string.Concat(Words(last))}{(_random.Bool() ? _random.Int(1, 99).ToString(CultureInfo.InvariantCulture) : "")}", _random.ArrayElement(FreeMailDomains));

    private string UniqueEmail(string local, string domain)
    {
        local = local.Trim('.') is { Length: > 0 } trimmed ? trimmed : "contact";
        var email = $"{local}@{domain}";
        for (var n = 2; !_emails.Add(email); n++)
        {
            email = $"{local}{n}@{domain}";
        }

        return email;
    }

    /// <summary>"Müller & Söhne GmbH" → ["muller", "sohne", "gmbh"]: ASCII words for domains and addresses.</summary>
    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var c in text.Replace("ß", "ss", StringComparison.Ordinal).Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (char.IsAsciiLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else if (word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    private List<string> Tags(string[] pool, double chance) =>
        _random.Double() < chance ? [.. _random.ArrayElements(pool, _random.Int(1, 2))] : [];

    private double NextPosition(PipelineStage stage) => _positions[stage.Id] = _positions.GetValueOrDefault(stage.Id) + 1024;

    private T Pick<T>((T Item, double Weight)[] choices)
    {
        var roll = _random.Double() * choices.Sum(c => c.Weight);
        foreach (var (item, weight) in choices)
        {
            roll -= weight;
            if (roll < 0)
            {
                return item;
            }
        }

        return choices[^1].Item;
    }

    /// <summary>Standard normal (Box–Muller); amounts are lognormal: many small deals, a few large ones.</summary>
    private double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - _random.Double())) * Math.Cos(2 * Math.PI * _random.Double());

    private static decimal Round(double value, int step) => Math.Max(step, (decimal)Math.Round(value / step) * step);

    private DateTimeOffset Between(DateTimeOffset from, DateTimeOffset to) => to <= from ? from : from + (to - from) * _random.Double();

    /// <summary>A moment between the two, moved into office hours on a weekday when that stays between them.</summary>
    private DateTimeOffset Moment(DateTimeOffset from, DateTimeOffset to)
    {
        var at = Between(from, to);
        var day = at.UtcDateTime.Date;
        day = day.DayOfWeek switch
        {
            DayOfWeek.Saturday => day.AddDays(-1),
            DayOfWeek.Sunday => day.AddDays(1),
            _ => day,
        };
        var office = new DateTimeOffset(day.AddMinutes(_random.Int(8 * 60, 18 * 60 - 1)).AddSeconds(_random.Int(0, 59)), TimeSpan.Zero);
        return office >= from && office <= to ? office : at;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static TimeSpan Days(double days) => TimeSpan.FromDays(days);

    private static TimeSpan Hours(double hours) => TimeSpan.FromHours(hours);

    private static int Rank(string stage) => LifecycleStages.Defaults.ToList().FindIndex(s => s.Key == stage);

    private sealed record DemoLocale(Faker Faker, string[] PhoneFormats);

    private sealed record DemoCompany(Company Company, DemoLocale Locale, int EmailPattern, double ContactWeight)
    {
        public List<DemoContact> Contacts { get; } = [];
    }

    private sealed class DemoContact(Person person, ContactDetails details, DemoCompany? company)
    {
        public Person Person { get; } = person;
        public DemoCompany? Company { get; } = company;
        public ContactDetails Details { get; private set; } = details;

        public void Promote(string stage, Action<Dictionary<string, object?>>? addFields, DateTimeOffset at)
        {
            var custom = new Dictionary<string, object?>(Details.CustomFields);
            addFields?.Invoke(custom);
            Details = Details with { LifecycleStage = stage, CustomFields = custom };
            Person.Apply(Details, Max(at, Person.CreatedAt));
        }
    }

    private sealed record DemoDeal(Deal Deal, DemoCompany Company, List<DemoContact> Contacts, bool Partner);
}
