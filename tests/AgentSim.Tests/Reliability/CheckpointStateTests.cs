using System.Reflection;
using AgentSim.Model;
using AgentSim.Model.Checkpoints;
using AgentSim.Tests.Runs;

namespace AgentSim.Tests.Reliability;

/// <summary>
/// The engine state a checkpoint holds: every field of the simulation and its state objects is of a type the
/// serializer writes (so a field added to the model is checkpointed automatically, or this test fails), and restoring
/// a checkpoint into a fresh simulation built from the same config continues bit for bit like the original.
/// </summary>
public sealed class CheckpointStateTests
{
    private static readonly string[] StateTypes = ["FirmArrays", "ProvinceState", "IndustryState", "NationState", "OfficialsState"];

    [Fact]
    public void Every_engine_state_field_has_a_type_the_checkpoint_can_write()
    {
        var unsupported = StateSerializer.Unsupported(typeof(Simulation), Simulation.NotCheckpointed);
        Assert.True(unsupported.Count == 0,
            "state fields the checkpoint cannot write (give them a supported type, or list them in Simulation.NotCheckpointed "
            + "if they are rebuilt from the config or not carried between quarters):\n" + string.Join("\n", unsupported));
    }

    [Fact]
    public void The_checkpoint_covers_every_state_object_and_excludes_only_existing_members()
    {
        var nested = StateSerializer.Fields(typeof(Simulation), Simulation.NotCheckpointed)
            .Select(f => f.FieldType.Name).ToHashSet();
        foreach (var type in StateTypes)
        {
            Assert.Contains(type, nested);
        }
        var names = StateSerializer.Fields(typeof(Simulation)).Select(StateSerializer.FieldName).ToHashSet();
        foreach (var excluded in Simulation.NotCheckpointed)
        {
            Assert.True(names.Contains(excluded), $"Simulation.NotCheckpointed lists '{excluded}', which Simulation no longer has");
        }
        // The step and the free-slot queue are simulation fields of their own: they must be in the checkpoint.
        Assert.Contains("Step", StateSerializer.Fields(typeof(Simulation), Simulation.NotCheckpointed).Select(StateSerializer.FieldName));
        Assert.Contains("FreeSlots", StateSerializer.Fields(typeof(Simulation), Simulation.NotCheckpointed).Select(StateSerializer.FieldName));
    }

    [Fact]
    public void A_field_of_an_unsupported_type_is_reported_and_refused()
    {
        Assert.Equal(["WithDictionary.Lookup: Dictionary<String, Int32>"], StateSerializer.Unsupported(typeof(WithDictionary)));
        using var writer = new BinaryWriter(new MemoryStream());
        var ex = Assert.Throws<NotSupportedException>(() => StateSerializer.Write(writer, new WithDictionary(), StateSerializer.Mode.Strict));
        Assert.Contains("Lookup", ex.Message);
    }

    [Fact]
    public void Every_supported_kind_round_trips()
    {
        var original = new AllKinds
        {
            Flag = true,
            Small = 7,
            Signed = -3,
            Short = -300,
            UShort = 60000,
            Int = -5,
            UInt = 5u,
            Long = long.MinValue,
            ULong = ulong.MaxValue,
            Float = 1.5f,
            Double = double.NaN,
            Text = "Zhejiang",
            Nothing = null,
            Kind = DayOfWeek.Friday,
            Doubles = [1, double.PositiveInfinity, -0.0],
            Bytes = [1, 2, 255],
            Shorts = [-1, 2],
            Bools = [true, false, true],
            Strings = ["a", null, ""],
            Kinds = [DayOfWeek.Monday, DayOfWeek.Sunday],
            Empty = [],
            History = [[1, 2], [], [3]],
            Slots = new Queue<int>([5, 3, 9]),
        };
        var bytes = Serialize(original, StateSerializer.Mode.Strict);
        var copy = new AllKinds();
        StateSerializer.Read(new BinaryReader(new MemoryStream(bytes)), copy, StateSerializer.Mode.Strict);
        Assert.Equal(bytes, Serialize(copy, StateSerializer.Mode.Strict));
        Assert.Equal([5, 3, 9], copy.Slots.ToArray());
        Assert.Equal(DayOfWeek.Sunday, copy.Kinds![1]);
        Assert.Null(copy.Strings![1]);
        Assert.True(double.IsNaN(copy.Double));
    }

    [Fact]
    public void A_checkpoint_of_another_field_layout_is_refused_with_the_field_named()
    {
        var bytes = Serialize(new LayoutA { Capacity = 1, Debt = 2 }, StateSerializer.Mode.Strict);
        var ex = Assert.Throws<CheckpointException>(() =>
            StateSerializer.Read(new BinaryReader(new MemoryStream(bytes)), new LayoutB(), StateSerializer.Mode.Strict));
        Assert.Contains("'Debt'", ex.Message);
        Assert.Contains("'Dividends'", ex.Message);
        Assert.Contains("different version", ex.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Restored_state_continues_bit_identically(int threads)
    {
        var config = RunFixtures.SmallConfig(firms: 2_500, steps: 16, burnIn: 3, seed: 19);
        using var original = new Simulation(config, RunFixtures.Provinces, threads);
        original.RunBurnIn();
        for (int i = 0; i < 6; i++)
        {
            original.Advance();
        }
        var checkpoint = State(original);

        using var restored = new Simulation(config, RunFixtures.Provinces, 3 - threads);
        restored.ReadState(new BinaryReader(new MemoryStream(checkpoint)));
        Assert.Equal(original.Step, restored.Step);
        Assert.Equal(checkpoint, State(restored));

        for (int i = 0; i < 8; i++)
        {
            original.Advance();
            restored.Advance();
            AssertSameState(original, restored, $"after {i + 1} more quarters");
            Assert.Equal(original.OfficialRecords.Count, restored.OfficialRecords.Count);
        }
        Assert.Equal(State(original), State(restored));
    }

    private static byte[] State(Simulation sim)
    {
        var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            sim.WriteState(writer);
        }
        return stream.ToArray();
    }

    private static byte[] Serialize(object state, StateSerializer.Mode mode)
    {
        var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            StateSerializer.Write(writer, state, mode);
        }
        return stream.ToArray();
    }

    /// <summary>Field by field (recursively through the state objects), so a failure names the first field that differs.</summary>
    private static void AssertSameState(Simulation a, Simulation b, string when)
    {
        foreach (var field in StateSerializer.Fields(typeof(Simulation), Simulation.NotCheckpointed))
        {
            Compare(field.GetValue(a), field.GetValue(b), "Simulation." + StateSerializer.FieldName(field), when);
        }
    }

    private static void Compare(object? x, object? y, string path, string when)
    {
        if (x is null || y is null)
        {
            Assert.True(x is null && y is null, $"{path} differs {when}: one is null");
            return;
        }
        var type = x.GetType();
        if (type.Assembly == typeof(Simulation).Assembly && type.IsClass)
        {
            foreach (var field in StateSerializer.Fields(type))
            {
                Compare(field.GetValue(x), field.GetValue(y), $"{path}.{StateSerializer.FieldName(field)}", when);
            }
            return;
        }
        if (x is System.Collections.IEnumerable sequence and not string)
        {
            var left = sequence.Cast<object?>().ToList();
            var right = ((System.Collections.IEnumerable)y).Cast<object?>().ToList();
            Assert.True(left.Count == right.Count, $"{path} differs {when}: {left.Count} vs {right.Count} elements");
            for (int i = 0; i < left.Count; i++)
            {
                if (left[i] is System.Collections.IEnumerable and not string)
                {
                    Compare(left[i], right[i], $"{path}[{i}]", when);
                }
                else
                {
                    Assert.True(Equals(left[i], right[i]), $"{path}[{i}] differs {when}: {left[i]} vs {right[i]}");
                }
            }
            return;
        }
        Assert.True(Equals(x, y), $"{path} differs {when}: {x} vs {y}");
    }

    private sealed class WithDictionary
    {
        public int Count = 1;
        public Dictionary<string, int> Lookup = new();
    }

    private sealed class AllKinds
    {
        public bool Flag;
        public byte Small;
        public sbyte Signed;
        public short Short;
        public ushort UShort;
        public int Int;
        public uint UInt;
        public long Long;
        public ulong ULong;
        public float Float;
        public double Double;
        public string? Text;
        public string? Nothing;
        public DayOfWeek Kind;
        public double[]? Doubles;
        public byte[]? Bytes;
        public short[]? Shorts;
        public bool[]? Bools;
        public string?[]? Strings;
        public DayOfWeek[]? Kinds;
        public int[]? Empty;
        public List<double[]> History { get; set; } = new();
        public Queue<int> Slots { get; set; } = new();
    }

    private sealed class LayoutA
    {
        public double Capacity;
        public double Debt;
    }

    private sealed class LayoutB
    {
        public double Capacity = 0;
        public double Dividends = 0;
    }
}
