using System.Text.Json;
using System.Text.Json.Serialization;

namespace PeerNet.Client.Http;

/// <summary>The API's JSON: camelCase, absent fields left out of request bodies.</summary>
internal static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
