using System.Net;
using System.Net.Sockets;

namespace Monfri.Web.Security;

/// <summary>The key rate limits count a client by (after forwarded headers from a trusted proxy were applied).</summary>
public static class ClientAddress
{
    /// <summary>
    /// An IPv4 address as it is; an IPv6 address by its /64 prefix, because one subscriber usually holds a whole
    /// /64 and could otherwise take a fresh address for every request.
    /// </summary>
    public static string Of(HttpContext context) => Key(context.Connection.RemoteIpAddress);

    internal static string Key(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
