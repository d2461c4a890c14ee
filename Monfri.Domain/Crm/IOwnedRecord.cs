namespace Monfri.Domain.Crm;

/// <summary>A CRM record with an owner (a user), which "reps see only their own records" filters on.</summary>
public interface IOwnedRecord
{
    Guid Id { get; }
    Guid? OwnerId { get; }
}
