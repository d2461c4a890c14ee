namespace Monfri.Infrastructure.Demo;

/// <summary>
/// Whether this workspace is a demo (seeded now or on an earlier start, with the demo turned on): the app bar says
/// its data is generated, and only then does the live traffic generator run. Set once by start-up.
/// </summary>
public sealed class DemoWorkspace
{
    private volatile bool _isActive;

    public bool IsActive
    {
        get => _isActive;
        set => _isActive = value;
    }
}
