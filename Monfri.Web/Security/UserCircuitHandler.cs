using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Monfri.Web.Security;

/// <summary>
/// A Blazor circuit has no HttpContext: this keeps the circuit's <see cref="CurrentUser"/> in step with its
/// authentication state, so Mediator's authorization sees who clicked.
/// </summary>
public sealed class UserCircuitHandler(AuthenticationStateProvider authentication, CurrentUser currentUser)
    : CircuitHandler, IDisposable
{
    public override async Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        authentication.AuthenticationStateChanged += OnChanged;
        currentUser.Set((await authentication.GetAuthenticationStateAsync()).User);
    }

    private async void OnChanged(Task<AuthenticationState> state)
    {
        // async void is the event's shape; a failing state task means signed out.
        try
        {
            currentUser.Set((await state).User);
        }
        catch (Exception)
        {
            currentUser.Set(new System.Security.Claims.ClaimsPrincipal());
        }
    }

    public void Dispose() => authentication.AuthenticationStateChanged -= OnChanged;
}
