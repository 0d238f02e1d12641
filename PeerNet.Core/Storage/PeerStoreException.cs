namespace PeerNet.Storage;

/// <summary>The store could not carry out a write (the database failed); nothing of that write was committed.</summary>
public sealed class PeerStoreException(string message, Exception? innerException = null) : Exception(message, innerException);
