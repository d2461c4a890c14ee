using Monfri.Application.Common.Results;
using Monfri.Application.Crm.Views;
using Monfri.Domain.Common;
using Monfri.Domain.Crm;
using Monfri.TestSupport;
using Monfri.Application.Crm.Views.ListSavedViews;
using Monfri.Application.Crm.Views.GetListState;
using Monfri.Application.Crm.Views.SaveListState;
using Monfri.Application.Crm.Views.ResetListState;

namespace Monfri.Application.Tests.Crm.Views;

/// <summary>A list opens the way its user left it: per user, per list, until they reset it.</summary>
public sealed class ListStateTests : IAsyncLifetime
{
    private MonfriServices _app = null!;

    public async Task InitializeAsync() => _app = await MonfriServices.StartAsync(nameof(ListStateTests));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Each_user_gets_back_their_own_last_state_of_each_list_until_they_reset_it()
    {
        var (_, ann) = await _app.CreateUserAsync("Ann", Roles.Sales);
        var (_, bob) = await _app.CreateUserAsync("Bob", Roles.Manager);
        const string first = """{"filter":{"traits":[{"key":"total_revenue","op":"gte","value":"1000000"}]},"sortBy":"trait:total_revenue","direction":"Descending","columns":["name","trait.total_revenue"]}""";
        const string second = """{"filter":{},"sortBy":"email","direction":"Ascending","columns":["name","email"]}""";

        Assert.Null((await _app.SendAs(ann, new GetListStateQuery(CrmObjectType.Contact))).Value);
        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(ann, new SaveListStateCommand(CrmObjectType.Contact, first)));
        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(ann, new SaveListStateCommand(CrmObjectType.Contact, second)));

        var kept = (await _app.SendAs(ann, new GetListStateQuery(CrmObjectType.Contact))).Value;
        Assert.NotNull(kept);
        Assert.True(System.Text.Json.JsonElement.DeepEquals(System.Text.Json.JsonDocument.Parse(second).RootElement, System.Text.Json.JsonDocument.Parse(kept).RootElement));
        Assert.Null((await _app.SendAs(bob, new GetListStateQuery(CrmObjectType.Contact))).Value);
        Assert.Null((await _app.SendAs(ann, new GetListStateQuery(CrmObjectType.Company))).Value);
        Assert.Empty((await _app.SendAs(ann, new ListSavedViewsQuery(CrmObjectType.Contact))).Value);
        ResultAssert.Status(ResultStatus.Invalid, await _app.SendAs(ann, new SaveListStateCommand(CrmObjectType.Contact, "{not json")));

        ResultAssert.Status(ResultStatus.Ok, await _app.SendAs(ann, new ResetListStateCommand(CrmObjectType.Contact)));
        Assert.Null((await _app.SendAs(ann, new GetListStateQuery(CrmObjectType.Contact))).Value);
    }
}
