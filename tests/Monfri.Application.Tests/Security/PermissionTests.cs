using System.Security.Claims;
using Mediator;
using Monfri.Application.Common.Behaviours;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Application.Crm.Activities.CompleteTask;
using Monfri.Application.Crm.Activities.GetTimeline;
using Monfri.Application.Crm.Activities.LogActivity;
using Monfri.Application.Crm.Activities.UpdateActivity;
using Monfri.Application.Crm.Deals.GetBoard;
using Monfri.Application.Crm.Deals.GetDeal;
using Monfri.Application.Crm.Deals.GetDealFormOptions;
using Monfri.Application.Tests.Crm.Activities;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;
using Monfri.TestSupport;

namespace Monfri.Application.Tests.Security;

/// <summary>
/// Rights come from one role → permission table, and what a screen may offer comes from the server with the data:
/// the flags on timelines and deals say exactly what the use cases will then allow.
/// </summary>
public sealed class PermissionTests : IAsyncLifetime
{
    private MonfriServices _app = null!;
    private CrmRecords _records = null!;

    public async Task InitializeAsync()
    {
        _app = await MonfriServices.StartAsync(nameof(PermissionTests));
        _records = new CrmRecords(_app);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_deal_task_given_to_a_marketer_may_be_ticked_off_by_them_but_not_edited_and_the_timeline_says_so()
    {
        var (rep, repPrincipal) = await _app.CreateUserAsync("Rita", Roles.Sales);
        var (marketerUser, marketer) = await _app.CreateUserAsync("Mona", Roles.Marketing);
        var (_, manager) = await _app.CreateUserAsync("Max", Roles.Manager);
        var marketerId = marketerUser.Id;
        var deal = await _records.DealAsync("Acme renewal", ownerId: rep.Id);
        var task = await _app.SendAs(repPrincipal, new LogActivityCommand(
            ActivityType.Task, "Send the case study", null, null, null, deal.Id, DueAt: DateTimeOffset.UtcNow.AddDays(1), AssigneeId: marketerId));
        Assert.True(task.IsSuccess, task.ErrorMessage);

        var asMarketer = (await _app.SendAs(marketer, new GetTimelineQuery(DealId: deal.Id))).Value;
        var asAuthor = (await _app.SendAs(repPrincipal, new GetTimelineQuery(DealId: deal.Id))).Value;
        var asManager = (await _app.SendAs(manager, new GetTimelineQuery(DealId: deal.Id))).Value;

        var seen = Assert.Single(asMarketer.Items);
        Assert.False(asMarketer.CanLog);
        Assert.Equal((false, true, false), (seen.CanEdit, seen.CanComplete, seen.CanDelete));
        Assert.True(asAuthor.CanLog);
        Assert.Equal((true, true, true), (asAuthor.Items[0].CanEdit, asAuthor.Items[0].CanComplete, asAuthor.Items[0].CanDelete));
        Assert.Equal((true, true, true), (asManager.Items[0].CanEdit, asManager.Items[0].CanComplete, asManager.Items[0].CanDelete));

        // The flags are what the use cases then do.
        var edit = await _app.SendAs(marketer, new UpdateActivityCommand(seen.Id, seen.Subject + "!", null, null, null, deal.Id, null, seen.DueAt, marketerId, seen.Version));
        Assert.Equal(ResultStatus.Forbidden, edit.Status);
        var done = await _app.SendAs(marketer, new CompleteTaskCommand(seen.Id));
        Assert.True(done.IsSuccess, done.ErrorMessage);
        Assert.Equal((false, true, false), (done.Value.CanEdit, done.Value.CanComplete, done.Value.CanDelete));
    }

    [Theory]
    [InlineData(Roles.Marketing, false, false)]
    [InlineData(Roles.Sales, true, false)]
    [InlineData(Roles.Manager, true, true)]
    [InlineData(Roles.Admin, true, true)]
    public async Task The_deal_page_the_board_and_the_deals_list_are_told_what_the_viewer_may_do(string role, bool canEdit, bool canOverride)
    {
        var (_, viewer) = await _app.CreateUserAsync($"{role}Viewer", role);
        var deal = await _records.DealAsync("Globex expansion");

        var detail = (await _app.SendAs(viewer, new GetDealQuery(deal.Id))).Value;
        var board = (await _app.SendAs(viewer, new GetBoardQuery(deal.PipelineId))).Value;
        var options = (await _app.SendAs(viewer, new GetDealFormOptionsQuery())).Value;

        Assert.Equal((canEdit, canOverride), (detail.CanEdit, detail.CanOverrideStageRules));
        Assert.Equal((canEdit, canOverride), (board.CanEdit, board.CanOverrideStageRules));
        Assert.Equal(canEdit, options.CanEditDeals);
    }

    [Fact]
    public async Task A_message_is_refused_to_a_user_whose_roles_lack_its_permission_and_the_refusal_names_the_roles_that_hold_it()
    {
        var marketer = As(Roles.Marketing);
        var behaviour = new AuthorizationBehaviour<EditDealsProbe, Result>(marketer);

        var refused = await behaviour.Handle(new EditDealsProbe(), (_, _) => ValueTask.FromResult(Result.Success()), CancellationToken.None);
        var allowed = await new AuthorizationBehaviour<EditDealsProbe, Result>(As(Roles.Marketing, Roles.Sales))
            .Handle(new EditDealsProbe(), (_, _) => ValueTask.FromResult(Result.Success()), CancellationToken.None);

        Assert.Equal(ResultStatus.Forbidden, refused.Status);
        Assert.Equal("This needs the Admin or Manager or Sales role.", refused.ErrorMessage);
        Assert.True(allowed.IsSuccess);
        Assert.False(marketer.Can(Permission.EditDeals));
        Assert.True(marketer.Can(Permission.ManageSources));
    }

    [Fact]
    public void A_user_holds_what_any_of_their_roles_grants_the_system_holds_everything_and_a_visitor_nothing()
    {
        Assert.True(As(Roles.Sales).Can(Permission.EditDeals));
        Assert.False(As(Roles.Sales).Can(Permission.ViewVisitors));
        Assert.True(As(Roles.Sales, Roles.Marketing).Can(Permission.ViewVisitors));
        Assert.False(As("Owner").Can(Permission.ViewContacts));
        Assert.False(((ICurrentUser)new FixedUser(Roles.Admin) { Authenticated = false }).Can(Permission.ViewContacts));
        Assert.True(((ICurrentUser)new FixedUser { System = true, Authenticated = false }).Can(Permission.ManageUsers));
    }

    private static ICurrentUser As(params string[] roles) => new FixedUser(roles);

    [RequiresPermission(Permission.EditDeals)]
    private sealed record EditDealsProbe : ICommand<Result>;

    private sealed class FixedUser(params string[] roles) : ICurrentUser
    {
        public bool Authenticated { get; init; } = true;

        public bool System { get; init; }

        public Guid? Id { get; } = Guid.NewGuid();

        public string? Email => "someone@example.test";

        public bool IsAuthenticated => Authenticated;

        public bool IsSystem => System;

        public ClaimsPrincipal Principal => new(new ClaimsIdentity([.. roles.Select(r => new Claim(ClaimTypes.Role, r))], Authenticated ? "test" : null));

        public bool IsInRole(string role) => roles.Contains(role, StringComparer.Ordinal);
    }
}
