using Monfri.Domain.Common;

namespace Monfri.Domain.Tests.Common;

public sealed class EntityTests
{
    private sealed record Renamed(string Name, DateTimeOffset OccurredAt) : IDomainEvent;

    private sealed class Thing : Entity
    {
        public string Name { get; private set; } = "";

        public void Rename(string name)
        {
            Name = name;
            Raise(new Renamed(name, DateTimeOffset.UtcNow));
        }
    }

    [Fact]
    public void Raised_events_are_kept_in_order_until_cleared_after_dispatch()
    {
        var thing = new Thing();

        thing.Rename("a");
        thing.Rename("b");

        Assert.Equal(["a", "b"], thing.DomainEvents.Cast<Renamed>().Select(e => e.Name));
        thing.ClearDomainEvents();
        Assert.Empty(thing.DomainEvents);
    }
}
