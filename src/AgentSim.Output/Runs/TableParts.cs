using Parquet;
using Parquet.Schema;

namespace AgentSim.Output.Runs;

/// <summary>
/// Joins the part files a checkpointed run writes (one per table and checkpoint interval) into the final table, through
/// <see cref="ParquetTableWriter"/> (temporary file, fsync, rename), so the final file appears only once whole. Values
/// are copied exactly; row groups are the parts' own, or, with <c>coalesceRows</c> &gt; 0, small ones are gathered into
/// groups of at least that many rows (as the uninterrupted writer does).
/// </summary>
internal static class TableParts
{
    public static async Task JoinAsync(IReadOnlyList<string> parts, TableSchema schema, string finalPath, int coalesceRows, CancellationToken ct)
    {
        var buffer = new TableBuffer(schema, initialCapacity: 0);
        await using var writer = await ParquetTableWriter.CreateAsync(finalPath, schema, ct).ConfigureAwait(false);
        foreach (var part in parts)
        {
            await using var stream = new FileStream(part, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: ct).ConfigureAwait(false);
            var fields = reader.Schema.GetDataFields();
            if (fields.Length != schema.ColumnCount)
            {
                throw new InvalidDataException($"'{part}' has {fields.Length} columns; table '{schema.TableName}' has {schema.ColumnCount}");
            }
            for (var c = 0; c < fields.Length; c++)
            {
                if (fields[c].Name != schema.Columns[c].Name)
                {
                    throw new InvalidDataException($"'{part}': column {c} is '{fields[c].Name}', expected '{schema.Columns[c].Name}'");
                }
            }
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var rowGroup = reader.OpenRowGroupReader(g);
                var rows = checked((int)rowGroup.RowCount);
                for (var c = 0; c < fields.Length; c++)
                {
                    await ReadColumnAsync(rowGroup, fields[c], buffer.Columns[c], rows, ct).ConfigureAwait(false);
                }
                if (coalesceRows <= 0 || buffer.RowCount >= coalesceRows)
                {
                    await writer.WriteRowGroupAsync(buffer, ct).ConfigureAwait(false);
                }
            }
        }
        await writer.WriteRowGroupAsync(buffer, ct).ConfigureAwait(false);
        await writer.CompleteAsync(ct).ConfigureAwait(false);
    }

    private static async Task ReadColumnAsync(ParquetRowGroupReader rowGroup, DataField field, ColumnBuffer column, int rows, CancellationToken ct)
    {
        switch (column.Spec.Kind)
        {
            case ColumnKind.Int32:
                await rowGroup.ReadAsync(field, ((ColumnBuffer<int>)column).AppendSlots(rows), cancellationToken: ct).ConfigureAwait(false);
                break;
            case ColumnKind.Int64:
                await rowGroup.ReadAsync(field, ((ColumnBuffer<long>)column).AppendSlots(rows), cancellationToken: ct).ConfigureAwait(false);
                break;
            case ColumnKind.Double:
                await rowGroup.ReadAsync(field, ((ColumnBuffer<double>)column).AppendSlots(rows), cancellationToken: ct).ConfigureAwait(false);
                break;
            case ColumnKind.Bool:
                await rowGroup.ReadAsync(field, ((ColumnBuffer<bool>)column).AppendSlots(rows), cancellationToken: ct).ConfigureAwait(false);
                break;
            case ColumnKind.String:
                await rowGroup.ReadAsync(field, ((ColumnBuffer<string>)column).AppendSlots(rows)!, cancellationToken: ct).ConfigureAwait(false);
                break;
            case ColumnKind.Category:
                {
                    var names = new string?[rows];
                    await rowGroup.ReadAsync(field, names.AsMemory(), cancellationToken: ct).ConfigureAwait(false);
                    var categories = column.Spec.Categories;
                    var codeOf = new Dictionary<string, int>(categories.Count, StringComparer.Ordinal);
                    for (var i = 0; i < categories.Count; i++)
                    {
                        codeOf.TryAdd(categories[i], i);
                    }
                    var codes = ((ColumnBuffer<int>)column).AppendSlots(rows).Span;
                    for (var i = 0; i < rows; i++)
                    {
                        codes[i] = names[i] is { } name && codeOf.TryGetValue(name, out var code)
                            ? code
                            : throw new InvalidDataException($"column '{column.Name}' holds '{names[i]}', which is not one of its categories");
                    }
                    break;
                }
            default:
                throw new InvalidOperationException($"Column '{column.Name}' has unknown kind {column.Spec.Kind}.");
        }
    }
}
