namespace Monfri.Domain.Crm;

/// <summary>A user's named list view: its filters, search, sort and visible columns.</summary>
public sealed class SavedView
{
    private SavedView()
    {
    }

    public Guid Id { get; private set; }
    public Guid UserId { get; private set; }
    public CrmObjectType ObjectType { get; private set; }
    public string Name { get; private set; } = "";

    /// <summary>The view as JSON (the list query's filter, sort and columns); its shape belongs to the list.</summary>
    public string Definition { get; private set; } = "{}";

    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public static SavedView Create(Guid userId, CrmObjectType objectType, string name, string definition, DateTimeOffset now) =>
        new() { Id = Guid.CreateVersion7(now), UserId = userId, ObjectType = objectType, Name = name.Trim(), Definition = definition, CreatedAt = now, UpdatedAt = now };

    public void Update(string name, string definition, DateTimeOffset now)
    {
        Name = name.Trim();
        Definition = definition;
        UpdatedAt = now;
    }
}
