using System.Text.Json;
using Monfri.Application.Cdp.Traits;
using Monfri.Domain.Cdp;

namespace Monfri.Application.Tests.Cdp;

public sealed class TraitDisplayTests
{
    [Theory]
    [InlineData("24", "24")]
    [InlineData("12480.5", "12,480.5")]
    [InlineData("0.123456", "0.1235")]
    [InlineData("3.5e300", "3.5E+300")]
    [InlineData("\"Berlin\"", "Berlin")]
    public void A_value_reads_as_a_person_would_write_it(string json, string shown) =>
        Assert.Equal(shown, new TraitValueDto(Guid.NewGuid(), "k", "K", TraitKind.Sum, null, TraitStatus.Ready, JsonDocument.Parse(json).RootElement.Clone()).Display);
}
