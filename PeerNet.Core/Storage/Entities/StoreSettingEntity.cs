namespace PeerNet.Storage.Entities;

/// <summary>A named value the store keeps for itself, such as the address table's hash key.</summary>
public sealed class StoreSettingEntity
{
    /// <summary>The setting's name.</summary>
    public required string Name { get; set; }

    /// <summary>Its value.</summary>
    public required byte[] Value { get; set; }
}
