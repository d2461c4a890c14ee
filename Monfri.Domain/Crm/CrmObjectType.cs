namespace Monfri.Domain.Crm;

/// <summary>The CRM record kinds that custom fields, views, imports and the audit log apply to.</summary>
public enum CrmObjectType
{
    Contact,
    Company,
    Deal,
}
