namespace PeerNet.Host.Api;

/// <summary>400 problem details that name the field to fix, shared by every endpoint.</summary>
internal static class FieldProblems
{
    /// <summary>A 400 naming <paramref name="field"/>, with <paramref name="message"/> as the detail.</summary>
    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, detail: message);

    /// <summary>A 400 naming the field an <see cref="ArgumentException"/> names, with its message.</summary>
    public static ValidationProblem Invalid(ArgumentException ex) =>
        Invalid(ex.ParamName ?? "body", ex.ParamName is null ? ex.Message : ex.Message.Replace($" (Parameter '{ex.ParamName}')", "", StringComparison.Ordinal));
}
