namespace Monfri.Domain.Crm;

/// <summary>What list bulk actions do to contacts, companies and deals alike.</summary>
public interface IBulkEditable : IOwnedRecord
{
    void AssignOwner(Guid? ownerId, DateTimeOffset now);

    void AddTag(string tag, DateTimeOffset now);
}
