using System.ComponentModel;

namespace Monfri.Application.Common.Security;

/// <summary>
/// What a user may do, by name. Messages declare the one they need with <see cref="RequiresPermissionAttribute"/>,
/// pages and live topics name one too, and <see cref="RolePermissions"/> is the only place that says which role
/// holds which. docs/security.md is generated from that table and these descriptions (a test keeps it in step).
/// </summary>
public enum Permission
{
    [Description("Contacts and companies with their history and duplicates; global search; custom field definitions; colleagues' names; the workspace settings as they are; one's own list views and imports.")]
    ViewContacts,

    [Description("Create, edit, merge, tag, reassign and delete contacts and companies; import them.")]
    EditContacts,

    [Description("Deals, the board and its filters, pipelines as they are.")]
    ViewDeals,

    [Description("Create, edit, move, win, lose and delete deals; import them; log activities on them.")]
    EditDeals,

    [Description("Pipelines, their stages and rules, custom fields.")]
    ConfigureCrm,

    [Description("Move a deal past a pipeline's stage rules.")]
    OverrideStageRules,

    [Description("Never limited by \"reps see only their own records\" (which applies to Sales users without this).")]
    SeeAllRecords,

    [Description("Timelines, one's tasks and who tasks can be given to.")]
    ViewActivities,

    [Description("Log notes, calls, meetings and tasks; edit, complete and remove one's own (or ones given to one).")]
    LogActivities,

    [Description("Edit, complete and remove anyone's activities, not only one's own.")]
    ManageAnyActivity,

    [Description("A person's CDP profile on their record: identities, traits (and trait columns in lists), events, merge history.")]
    ViewProfiles,

    [Description("The live visitor stream.")]
    ViewVisitors,

    [Description("Event sources (write keys, origins) and their debugger.")]
    ManageSources,

    [Description("Computed trait definitions and their backfills.")]
    ManageComputedTraits,

    [Description("The identifier block list, which changes how every future event resolves.")]
    ManageBlockList,

    [Description("Undo an automatic profile merge.")]
    UndoMerges,

    [Description("Segments (membership as it changes).")]
    ViewSegments,

    [Description("Create, change and delete segments.")]
    ManageSegments,

    [Description("Sales reports and dashboards (a rep limited to own records sees their own records only).")]
    ViewReports,

    [Description("Marketing reports: attribution, traffic, top pages.")]
    ViewMarketingReports,

    [Description("The workspace-wide audit log (a record's own history needs only the right to see the record).")]
    ViewAuditLog,

    [Description("Every CSV import and its rows (otherwise only one's own uploads).")]
    ViewAllImports,

    [Description("Users, their roles and whether they may sign in.")]
    ManageUsers,

    [Description("Privacy requests (access, erasure) and lifting a suppression.")]
    ManagePrivacy,

    [Description("Workspace settings such as \"reps see only their own records\".")]
    ManageWorkspace,

    [Description("Background jobs (imports, privacy requests, reminders): their state and failures.")]
    ViewJobs,
}
