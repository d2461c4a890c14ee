using Monfri.Application.Segments.UpdateSegment;
using Monfri.Application.Segments.GetSegment;
using Monfri.Application.Crm.Settings.UpdateWorkspaceSettings;
using Monfri.Application.Crm.Settings.GetWorkspaceSettings;
using Monfri.Application.Crm.Contacts.MergeContacts;
using Monfri.Application.Crm.Contacts.ListContacts;
using Monfri.Application.Crm.Contacts.ExportContacts;
using Monfri.Application.Crm.Contacts.CreateContact;
using Monfri.Application.Segments.AddToStaticList;
using Monfri.Application.Segments.ExportSegmentMembers;
using Monfri.Application.Segments.RemoveFromStaticList;
using Monfri.Application.Segments.ListSegmentMembers;
using Monfri.Application.Segments.GetSegmentActivity;
using Monfri.Application.Segments.AddCsvToStaticList;
using Monfri.Application.Segments.CreateStaticList;
using System.Text;
using System.Text.Json;
using Monfri.Application.Common.Paging;
using Monfri.Application.Common.Results;
using Monfri.Application.Crm.Contacts;
using Monfri.Application.Crm.Settings;
using Monfri.Application.Segments;
using Monfri.Domain.Common;
using Monfri.Domain.Conditions;
using Monfri.Domain.Segments;
using static Monfri.Application.Tests.Segments.SegmentWorld;

namespace Monfri.Application.Tests.Segments;

/// <summary>Membership put to use, against real PostgreSQL: static lists, the members list, size history, contacts filtered by segment.</summary>
public sealed class SegmentUseTests : IAsyncLifetime
{
    private SegmentWorld _s = null!;

    public async Task InitializeAsync() => _s = await SegmentWorld.StartAsync(nameof(SegmentUseTests));

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private async Task<ContactDetail> ContactAsync(string first, string? stage = null, Guid? owner = null)
    {
        var created = await _s.World.App.SendAs(_s.World.Admin, new CreateContactCommand
        {
            FirstName = first, Email = $"{first.ToLowerInvariant()}.{Guid.NewGuid():N}@example.test", LifecycleStage = stage ?? "lead", OwnerId = owner,
        });
        Assert.True(created.IsSuccess, created.ErrorMessage);
        return created.Value;
    }

    private async Task<SegmentDto> ListAsync(string name)
    {
        var list = await _s.World.App.SendAs(_s.World.Admin, new CreateStaticListCommand(name));
        Assert.True(list.IsSuccess, list.ErrorMessage);
        Assert.Equal(SegmentKind.Static, list.Value.Kind);
        return list.Value;
    }

    [Fact]
    public async Task A_static_list_takes_people_by_id_email_and_csv_records_why_and_segments_built_on_it_follow()
    {
        var (ada, bo, cy) = (await ContactAsync("Ada"), await ContactAsync("Bo"), await ContactAsync("Cy"));
        var list = await ListAsync($"Fair visitors {Guid.NewGuid():N}");
        var onList = await _s.CreateAsync($"On the list {Guid.NewGuid():N}", new SegmentMembershipCondition(list.Id));

        var added = await _s.World.App.SendAs(_s.World.Admin, new AddToStaticListCommand(list.Id, [ada.Id, Guid.NewGuid()], [bo.Email!.ToUpperInvariant(), "nobody@example.test"]));
        Assert.True(added.IsSuccess, added.ErrorMessage);
        Assert.Equal(new StaticListChangeDto(2, 2, 2), added.Value);
        Assert.Equal([ada.Id, bo.Id], await _s.MembersAsync(list.Id));
        Assert.Contains(_s.Signals, c => c.SegmentId == list.Id && c.Reason == "added by hand" && c.Entered.Count == 2);

        // Adding again changes nothing; the CSV reads an email column whatever its case and place.
        var again = await _s.World.App.SendAs(_s.World.Admin, new AddToStaticListCommand(list.Id, [ada.Id]));
        Assert.Equal(0, again.Value.Changed);
        var csv = Encoding.UTF8.GetBytes($"Name;EMAIL\nCy;{cy.Email}\nAda;{ada.Email}\nNobody;\n");
        var fromCsv = await _s.World.App.SendAs(_s.World.Admin, new AddCsvToStaticListCommand(list.Id, csv));
        Assert.True(fromCsv.IsSuccess, fromCsv.ErrorMessage);
        Assert.Equal(new StaticListChangeDto(1, 1, 3), fromCsv.Value);

        // The segment that includes the list follows once the worker has run.
        await _s.SyncAsync();
        Assert.Equal([ada.Id, bo.Id, cy.Id], await _s.MembersAsync(onList.Id));

        var removed = await _s.World.App.SendAs(_s.World.Admin, new RemoveFromStaticListCommand(list.Id, [bo.Id]));
        Assert.Equal(new StaticListChangeDto(1, 0, 2), removed.Value);
        await _s.SyncAsync();
        Assert.DoesNotContain(bo.Id, await _s.MembersAsync(onList.Id));
        Assert.Equal(1, await _s.World.ScalarAsync(
            $"SELECT count(*) FROM segment_membership_changes WHERE segment_id = '{list.Id}' AND person_id = '{bo.Id}' AND NOT entered AND reason = 'removed by hand'"));
        Assert.Equal(2, (await _s.World.App.SendAs(_s.World.Admin, new GetSegmentQuery(list.Id))).Value.MemberCount);

        // Nothing ever evaluates a static list: a full pass leaves its hand-picked members alone.
        await _s.Engine.EvaluateAsync(list.Id, "again", CancellationToken.None);
        await _s.Engine.EvaluateTimeRelativeAsync(CancellationToken.None);
        Assert.Equal([ada.Id, cy.Id], await _s.MembersAsync(list.Id));
    }

    [Fact]
    public async Task Bad_static_list_input_is_refused_with_a_message()
    {
        var segment = await _s.CreateAsync($"Leads {Guid.NewGuid():N}", Field("lifecycle_stage", ConditionOperator.Equal, "lead"));
        var ada = await ContactAsync("Ada");
        var notAList = await _s.World.App.SendAs(_s.World.Admin, new AddToStaticListCommand(segment.Id, [ada.Id]));
        Assert.Equal(ResultStatus.Invalid, notAList.Status);
        Assert.Contains("static list", notAList.ErrorMessage);

        var list = await ListAsync($"List {Guid.NewGuid():N}");
        var empty = await _s.World.App.SendAs(_s.World.Admin, new AddToStaticListCommand(list.Id));
        Assert.Equal(ResultStatus.Invalid, empty.Status);
        var noColumn = await _s.World.App.SendAs(_s.World.Admin, new AddCsvToStaticListCommand(list.Id, Encoding.UTF8.GetBytes("name,phone\nAda,123\n")));
        Assert.Equal(ResultStatus.Invalid, noColumn.Status);
        Assert.Contains("'email' or 'id'", noColumn.ErrorMessage);
        var redefine = await _s.World.App.SendAs(_s.World.Admin, new UpdateSegmentCommand(list.Id, new SegmentInput(list.Name, null, new IdentifiedCondition())));
        Assert.Equal(ResultStatus.Invalid, redefine.Status);
        var duplicate = await _s.World.App.SendAs(_s.World.Admin, new CreateStaticListCommand(list.Name.ToUpperInvariant()));
        Assert.Equal(ResultStatus.Invalid, duplicate.Status);
    }

    [Fact]
    public async Task A_merge_hands_the_absorbed_persons_place_in_a_static_list_to_the_survivor()
    {
        var (survivor, absorbed) = (await ContactAsync("Sue"), await ContactAsync("Abe"));
        var list = await ListAsync($"Merged list {Guid.NewGuid():N}");
        await _s.World.App.SendAs(_s.World.Admin, new AddToStaticListCommand(list.Id, [absorbed.Id]));

        var merged = await _s.World.App.SendAs(_s.World.Admin, new MergeContactsCommand(survivor.Id, absorbed.Id, null, survivor.Version, absorbed.Version));
        Assert.True(merged.IsSuccess, merged.ErrorMessage);
        await _s.SyncAsync();

        Assert.Equal([survivor.Id], await _s.MembersAsync(list.Id));
        Assert.Equal(1, (await _s.World.App.SendAs(_s.World.Admin, new GetSegmentQuery(list.Id))).Value.MemberCount);
    }

    [Fact]
    public async Task The_members_list_sorts_pages_and_exports_and_a_rep_limited_to_own_records_gets_only_theirs()
    {
        var (rep, repPrincipal) = await _s.World.App.CreateUserAsync("Rhea", Roles.Sales);
        var settings = (await _s.World.App.SendAs(_s.World.Admin, new GetWorkspaceSettingsQuery())).Value;
        Assert.True((await _s.World.App.SendAs(_s.World.Admin, new UpdateWorkspaceSettingsCommand(true, settings.LifecycleStages, settings.DefaultCurrency, settings.Version))).IsSuccess);
        var stage = "opportunity";
        var zed = await ContactAsync("Zed", stage, rep.Id);
        var amy = await ContactAsync("Amy", stage);
        var max = await ContactAsync("Max", stage, rep.Id);
        var segment = await _s.CreateAsync($"Opportunities {Guid.NewGuid():N}", Field("lifecycle_stage", ConditionOperator.Equal, stage));

        var byName = await _s.World.App.SendAs(_s.World.Admin, new ListSegmentMembersQuery(segment.Id, 0, 2, SegmentMemberSorts.Name, SortDirection.Ascending));
        Assert.True(byName.IsSuccess, byName.ErrorMessage);
        Assert.Equal(3, byName.Value.TotalCount);
        Assert.Equal(["Amy", "Max"], byName.Value.Items.Select(m => m.DisplayName.Split(' ')[0]));
        var second = await _s.World.App.SendAs(_s.World.Admin, new ListSegmentMembersQuery(segment.Id, 1, 2, SegmentMemberSorts.Name, SortDirection.Ascending));
        Assert.Equal(["Zed"], second.Value.Items.Select(m => m.DisplayName.Split(' ')[0]));
        var badSort = await _s.World.App.SendAs(_s.World.Admin, new ListSegmentMembersQuery(segment.Id, 0, 2, "p.id; drop table people"));
        Assert.Equal(ResultStatus.Invalid, badSort.Status);

        var export = await _s.World.App.SendAs(repPrincipal, new ExportSegmentMembersQuery(segment.Id, SegmentMemberSorts.Name, SortDirection.Descending));
        Assert.True(export.IsSuccess, export.ErrorMessage);
        var rows = new List<Guid>();
        await foreach (var row in export.Value)
        {
            rows.Add(row.Id);
        }

        Assert.Equal([zed.Id, max.Id], rows);
        var repPage = await _s.World.App.SendAs(repPrincipal, new ListSegmentMembersQuery(segment.Id));
        Assert.DoesNotContain(amy.Id, repPage.Value.Items.Select(m => m.Id));
        var repActivity = await _s.World.App.SendAs(repPrincipal, new GetSegmentActivityQuery(segment.Id));
        Assert.Equal((2, 0, true, 0), (repActivity.Value.EnteredToday, repActivity.Value.LeftToday, repActivity.Value.OwnRecordsOnly, repActivity.Value.SizeHistory.Count));
    }

    [Fact]
    public async Task Size_history_has_a_value_per_day_from_recorded_daily_counts_and_today_counts_entries_and_exits()
    {
        var list = await ListAsync($"History {Guid.NewGuid():N}");
        var (a, b, c) = (await ContactAsync("A"), await ContactAsync("B"), await ContactAsync("C"));
        await _s.World.App.SendAs(_s.World.Admin, new AddToStaticListCommand(list.Id, [a.Id, b.Id]));

        _s.Clock.Advance(TimeSpan.FromDays(3));
        await _s.World.App.SendAs(_s.World.Admin, new AddToStaticListCommand(list.Id, [c.Id]));
        await _s.World.App.SendAs(_s.World.Admin, new RemoveFromStaticListCommand(list.Id, [a.Id]));

        var activity = await _s.World.App.SendAs(_s.World.Admin, new GetSegmentActivityQuery(list.Id, 30));
        Assert.True(activity.IsSuccess, activity.ErrorMessage);
        Assert.Equal((1, 1), (activity.Value.EnteredToday, activity.Value.LeftToday));
        Assert.Equal([2, 2, 2, 2], activity.Value.SizeHistory.Select(d => d.MemberCount));
        Assert.Equal((1, 1), (activity.Value.SizeHistory[^1].Entered, activity.Value.SizeHistory[^1].Left));
        Assert.Equal(DateOnly.FromDateTime(_s.Clock.GetUtcNow().UtcDateTime), activity.Value.SizeHistory[^1].Day);

        // Older than the range: the range starts with the size the day before it ended with.
        var lastTwo = await _s.World.App.SendAs(_s.World.Admin, new GetSegmentActivityQuery(list.Id, 2));
        Assert.Equal([2, 2], lastTwo.Value.SizeHistory.Select(d => d.MemberCount));
    }

    [Fact]
    public async Task The_contacts_list_filters_by_segment_and_a_saved_filter_keeps_it()
    {
        var (ada, bo) = (await ContactAsync("Ada"), await ContactAsync("Bo"));
        var list = await ListAsync($"Filter list {Guid.NewGuid():N}");
        await _s.World.App.SendAs(_s.World.Admin, new AddToStaticListCommand(list.Id, [bo.Id]));

        var filter = new ContactFilter { SegmentId = list.Id };
        var page = await _s.World.App.SendAs(_s.World.Admin, new ListContactsQuery(filter));
        Assert.True(page.IsSuccess, page.ErrorMessage);
        Assert.Equal([bo.Id], page.Value.Items.Select(c => c.Id));
        var restored = JsonSerializer.SerializeToElement(filter).Deserialize<ContactFilter>()!;
        Assert.Equal(list.Id, restored.SegmentId);
        var export = await _s.World.App.SendAs(_s.World.Admin, new ExportContactsQuery(restored));
        var rows = new List<Guid>();
        await foreach (var row in export.Value.Rows)
        {
            rows.Add(row.Id);
        }

        Assert.Equal([bo.Id], rows);
        Assert.DoesNotContain(ada.Id, rows);
    }
}
