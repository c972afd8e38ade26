using AgentSim.Output;

namespace AgentSim.Tests.Output;

/// <summary>A table with every column kind and deterministic rows that include edge values, plus the expected read-back.</summary>
internal static class TestTables
{
    public static readonly TableSchema AllKinds = new("all_kinds",
    [
        new ColumnSpec("id", ColumnKind.Int32, "", "Row number"),
        new ColumnSpec("big", ColumnKind.Int64, "yuan", "A large integer"),
        new ColumnSpec("value", ColumnKind.Double, "CNY bn", "A real value"),
        new ColumnSpec("flag", ColumnKind.Bool, "", "A flag"),
        new ColumnSpec("name", ColumnKind.String, "", "A label"),
    ]);

    private static readonly int[] SpecialInts = [0, -1, int.MinValue, int.MaxValue, 1];
    private static readonly long[] SpecialLongs = [0, -1, long.MinValue, long.MaxValue, 1L << 40];
    private static readonly double[] SpecialDoubles =
        [0.0, -1.5, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.MaxValue, double.MinValue, double.Epsilon, 1e300, -1e-300];
    private static readonly string[] SpecialStrings =
        ["", "Nei Mongol · 内蒙古", "Guangdong 广东", "emoji 🙂 surrogate", "quote ' and \" and \\", "tab\tnew\nline", new string('x', 2000)];

    public static int Int(int row) => row < SpecialInts.Length ? SpecialInts[row] : row * 7 - 35_000;

    public static long Long(int row) => row < SpecialLongs.Length ? SpecialLongs[row] : row * 1_000_000_007L - 5_000_000_000_000L;

    public static double Double(int row) => row < SpecialDoubles.Length ? SpecialDoubles[row] : Math.Sin(row) * 1e6;

    public static bool Bool(int row) => row % 3 == 0;

    public static string String(int row) => SpecialStrings[row % SpecialStrings.Length] + (row % 11 == 0 ? "" : $"#{row}");

    /// <summary>Appends rows [from, to) to a buffer through accessors resolved by the caller.</summary>
    public static void Fill(Accessors columns, int from, int to)
    {
        for (var row = from; row < to; row++)
        {
            columns.Id.Add(Int(row));
            columns.Big.Add(Long(row));
            columns.Value.Add(Double(row));
            columns.Flag.Add(Bool(row));
            columns.Name.Add(String(row));
        }
    }

    /// <summary>Expected read-back of rows [0, rows) in the shape <see cref="ParquetReadBack"/> returns.</summary>
    public static Dictionary<string, object?[]> Expected(int rows)
    {
        var result = new Dictionary<string, object?[]>
        {
            ["id"] = new object?[rows],
            ["big"] = new object?[rows],
            ["value"] = new object?[rows],
            ["flag"] = new object?[rows],
            ["name"] = new object?[rows],
        };
        for (var row = 0; row < rows; row++)
        {
            result["id"][row] = Int(row);
            result["big"][row] = Long(row);
            result["value"][row] = Double(row);
            result["flag"][row] = Bool(row);
            result["name"][row] = String(row);
        }
        return result;
    }

    /// <summary>Asserts same column names in the same order and every value equal (NaN equals NaN for boxed doubles).</summary>
    public static void AssertSameTable(Dictionary<string, object?[]> expected, Dictionary<string, object?[]> actual)
    {
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (name, values) in expected)
        {
            var got = actual[name];
            Assert.Equal(values.Length, got.Length);
            for (var i = 0; i < values.Length; i++)
            {
                if (!Equals(values[i], got[i]))
                {
                    Assert.Fail($"Column '{name}' row {i}: expected {Describe(values[i])}, got {Describe(got[i])}.");
                }
            }
        }
    }

    private static string Describe(object? value) => value is null ? "null" : $"{value} ({value.GetType().Name})";

    public sealed class Accessors(TableBuffer buffer)
    {
        public ColumnBuffer<int> Id { get; } = buffer.Ints("id");
        public ColumnBuffer<long> Big { get; } = buffer.Longs("big");
        public ColumnBuffer<double> Value { get; } = buffer.Doubles("value");
        public ColumnBuffer<bool> Flag { get; } = buffer.Bools("flag");
        public ColumnBuffer<string> Name { get; } = buffer.Strings("name");
    }
}
