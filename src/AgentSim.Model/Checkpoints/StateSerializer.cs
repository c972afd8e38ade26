using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AgentSim.Model.Checkpoints;

/// <summary>
/// Writes and reads the instance fields of state objects by reflection, so a field added to a state class is
/// checkpointed without anyone having to remember to. Fields are visited in ordinal order of their name (auto-property
/// backing fields under the property's name), each written as (name, type tag, value); reading matches by name and
/// refuses a checkpoint whose field list differs from this build's.
/// <para>
/// Supported: bool, byte, sbyte, short, ushort, int, uint, long, ulong, float, double, enums and string; one-dimensional
/// arrays of any of those; <see cref="List{T}"/> and <see cref="Queue{T}"/> of any supported type (so
/// <c>List&lt;double[]&gt;</c>); and, in <see cref="Mode.Strict"/>, nested objects of classes declared in the model
/// assembly, written field by field in the same way.
/// </para>
/// </summary>
public static class StateSerializer
{
    /// <summary>How fields of unsupported types are treated.</summary>
    public enum Mode
    {
        /// <summary>Every field must be supported (or excluded by name); anything else is an error. For engine state.</summary>
        Strict,

        /// <summary>
        /// Only fields of supported value types are written; references to other objects (buffers, the simulation) are
        /// skipped. For the small cross-quarter memories of output tables and trackers.
        /// </summary>
        Lenient,
    }

    private enum Tag : byte
    {
        Null = 0,
        Bool = 1,
        Byte = 2,
        SByte = 3,
        Int16 = 4,
        UInt16 = 5,
        Int32 = 6,
        UInt32 = 7,
        Int64 = 8,
        UInt64 = 9,
        Single = 10,
        Double = 11,
        String = 12,
        Enum = 13,
        Array = 20,
        List = 21,
        Queue = 22,
        Object = 30,
    }

    private static readonly Assembly ModelAssembly = typeof(Simulation).Assembly;

    /// <summary>The name a field is known by: the property name for an auto-property's backing field.</summary>
    public static string FieldName(FieldInfo field)
    {
        var name = field.Name;
        if (name.StartsWith('<'))
        {
            var end = name.IndexOf('>', StringComparison.Ordinal);
            if (end > 1)
            {
                return name[1..end];
            }
        }
        return name;
    }

    /// <summary>Instance fields of <paramref name="type"/> (public and not) in the order they are written, excluded names left out.</summary>
    public static IReadOnlyList<FieldInfo> Fields(Type type, IReadOnlySet<string>? exclude = null)
    {
        var fields = new List<FieldInfo>();
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var f in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (exclude is null || !exclude.Contains(FieldName(f)))
                {
                    fields.Add(f);
                }
            }
        }
        fields.Sort((a, b) => string.CompareOrdinal(FieldName(a), FieldName(b)));
        return fields;
    }

    /// <summary>
    /// Fields under <paramref name="type"/> (recursively through nested state objects) whose type cannot be written, as
    /// "Type.Field: FieldType". Empty when a strict checkpoint of the type is possible. Used by a test so that a field
    /// of a new kind fails the build's tests, not a user's resume.
    /// </summary>
    public static IReadOnlyList<string> Unsupported(Type type, IReadOnlySet<string>? exclude = null)
    {
        var problems = new List<string>();
        CollectUnsupported(type, exclude, problems, new HashSet<Type>());
        return problems;
    }

    private static void CollectUnsupported(Type type, IReadOnlySet<string>? exclude, List<string> problems, HashSet<Type> seen)
    {
        if (!seen.Add(type))
        {
            return;
        }
        foreach (var field in Fields(type, exclude))
        {
            if (IsSupportedValue(field.FieldType))
            {
                continue;
            }
            if (IsNestedState(field.FieldType))
            {
                CollectUnsupported(field.FieldType, null, problems, seen);
                continue;
            }
            problems.Add($"{type.Name}.{FieldName(field)}: {TypeName(field.FieldType)}");
        }
    }

    /// <summary>Writes the fields of <paramref name="state"/>.</summary>
    public static void Write(BinaryWriter writer, object state, Mode mode, IReadOnlySet<string>? exclude = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(state);
        EnsureLittleEndian();
        WriteObject(writer, state, mode, exclude, state.GetType().Name);
    }

    /// <summary>
    /// Reads fields written by <see cref="Write"/> into <paramref name="state"/>, an object of the same type (for example
    /// one freshly built from the same config). Throws <see cref="CheckpointException"/> when the fields do not match.
    /// </summary>
    public static void Read(BinaryReader reader, object state, Mode mode, IReadOnlySet<string>? exclude = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(state);
        EnsureLittleEndian();
        ReadObject(reader, state, mode, exclude, state.GetType().Name);
    }

    private static void WriteObject(BinaryWriter w, object state, Mode mode, IReadOnlySet<string>? exclude, string path)
    {
        var fields = Fields(state.GetType(), exclude).Where(f => mode == Mode.Strict || IsSupportedValue(f.FieldType)).ToList();
        w.Write(fields.Count);
        foreach (var field in fields)
        {
            var name = FieldName(field);
            var fieldPath = $"{path}.{name}";
            w.Write(name);
            var value = field.GetValue(state);
            if (IsSupportedValue(field.FieldType))
            {
                WriteValue(w, field.FieldType, value);
            }
            else if (IsNestedState(field.FieldType))
            {
                if (value is null)
                {
                    w.Write((byte)Tag.Null);
                }
                else
                {
                    w.Write((byte)Tag.Object);
                    WriteObject(w, value, mode, null, fieldPath);
                }
            }
            else
            {
                throw new NotSupportedException(
                    $"{fieldPath}: fields of type {TypeName(field.FieldType)} cannot be checkpointed; use a supported type or exclude the field");
            }
        }
    }

    private static void ReadObject(BinaryReader r, object state, Mode mode, IReadOnlySet<string>? exclude, string path)
    {
        var fields = Fields(state.GetType(), exclude).Where(f => mode == Mode.Strict || IsSupportedValue(f.FieldType)).ToList();
        var count = r.ReadInt32();
        if (count != fields.Count)
        {
            throw Mismatch(path, $"it holds {count} fields, this build has {fields.Count}");
        }
        foreach (var field in fields)
        {
            var name = r.ReadString();
            var expected = FieldName(field);
            if (name != expected)
            {
                throw Mismatch(path, $"field '{name}' where this build has '{expected}'");
            }
            var fieldPath = $"{path}.{name}";
            if (IsSupportedValue(field.FieldType))
            {
                field.SetValue(state, ReadValue(r, field.FieldType, fieldPath));
                continue;
            }
            var tag = (Tag)r.ReadByte();
            if (tag == Tag.Null)
            {
                field.SetValue(state, null);
                continue;
            }
            if (tag != Tag.Object)
            {
                throw Mismatch(fieldPath, $"a {tag} where this build has an object of type {TypeName(field.FieldType)}");
            }
            var target = field.GetValue(state) ?? RuntimeHelpers.GetUninitializedObject(field.FieldType);
            ReadObject(r, target, mode, null, fieldPath);
            field.SetValue(state, target);
        }
    }

    private static CheckpointException Mismatch(string path, string detail) =>
        new($"the checkpoint's state does not match this build at {path}: {detail}; it was written by a different version of AgentSim");

    /// <summary>True for the value types, strings, arrays and collections the serializer writes directly.</summary>
    private static bool IsSupportedValue(Type type)
    {
        if (IsScalar(type))
        {
            return true;
        }
        if (type.IsArray)
        {
            return type.GetArrayRank() == 1 && IsSupportedValue(type.GetElementType()!);
        }
        if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(List<>) || type.GetGenericTypeDefinition() == typeof(Queue<>)))
        {
            return IsSupportedValue(type.GetGenericArguments()[0]);
        }
        return false;
    }

    private static bool IsScalar(Type type) =>
        type.IsEnum || type == typeof(string) || ScalarTag(type) is not null;

    /// <summary>Classes of the model assembly other than the simulation itself: state objects written field by field.</summary>
    private static bool IsNestedState(Type type) =>
        type.IsClass && type.Assembly == ModelAssembly && type != typeof(Simulation) && !type.IsArray
        && !typeof(Delegate).IsAssignableFrom(type);

    private static Tag? ScalarTag(Type type) =>
        type == typeof(bool) ? Tag.Bool
        : type == typeof(byte) ? Tag.Byte
        : type == typeof(sbyte) ? Tag.SByte
        : type == typeof(short) ? Tag.Int16
        : type == typeof(ushort) ? Tag.UInt16
        : type == typeof(int) ? Tag.Int32
        : type == typeof(uint) ? Tag.UInt32
        : type == typeof(long) ? Tag.Int64
        : type == typeof(ulong) ? Tag.UInt64
        : type == typeof(float) ? Tag.Single
        : type == typeof(double) ? Tag.Double
        : type == typeof(string) ? Tag.String
        : type.IsEnum ? Tag.Enum
        : null;

    private static void WriteValue(BinaryWriter w, Type type, object? value)
    {
        if (value is null)
        {
            w.Write((byte)Tag.Null);
            return;
        }
        if (type.IsEnum)
        {
            w.Write((byte)Tag.Enum);
            w.Write(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
            return;
        }
        var scalar = ScalarTag(type);
        if (scalar is { } tag)
        {
            w.Write((byte)tag);
            switch (value)
            {
                case bool v: w.Write(v); break;
                case byte v: w.Write(v); break;
                case sbyte v: w.Write(v); break;
                case short v: w.Write(v); break;
                case ushort v: w.Write(v); break;
                case int v: w.Write(v); break;
                case uint v: w.Write(v); break;
                case long v: w.Write(v); break;
                case ulong v: w.Write(v); break;
                case float v: w.Write(v); break;
                case double v: w.Write(v); break;
                case string v: w.Write(v); break;
                default: throw new NotSupportedException(TypeName(type));
            }
            return;
        }
        if (type.IsArray)
        {
            var array = (Array)value;
            var element = type.GetElementType()!;
            w.Write((byte)Tag.Array);
            w.Write(array.Length);
            if (element.IsPrimitive)
            {
                w.Write(RawBytes(array));
            }
            else
            {
                for (var i = 0; i < array.Length; i++)
                {
                    WriteValue(w, element, array.GetValue(i));
                }
            }
            return;
        }
        var definition = type.GetGenericTypeDefinition();
        var itemType = type.GetGenericArguments()[0];
        var items = ((System.Collections.IEnumerable)value).Cast<object?>().ToList();
        w.Write((byte)(definition == typeof(List<>) ? Tag.List : Tag.Queue));
        w.Write(items.Count);
        foreach (var item in items)
        {
            WriteValue(w, itemType, item);
        }
    }

    private static object? ReadValue(BinaryReader r, Type type, string path)
    {
        var tag = (Tag)r.ReadByte();
        if (tag == Tag.Null)
        {
            return null;
        }
        if (type.IsEnum)
        {
            Expect(tag, Tag.Enum, type, path);
            return Enum.ToObject(type, r.ReadInt64());
        }
        if (ScalarTag(type) is { } scalar)
        {
            Expect(tag, scalar, type, path);
            return scalar switch
            {
                Tag.Bool => r.ReadBoolean(),
                Tag.Byte => r.ReadByte(),
                Tag.SByte => r.ReadSByte(),
                Tag.Int16 => r.ReadInt16(),
                Tag.UInt16 => r.ReadUInt16(),
                Tag.Int32 => r.ReadInt32(),
                Tag.UInt32 => r.ReadUInt32(),
                Tag.Int64 => r.ReadInt64(),
                Tag.UInt64 => r.ReadUInt64(),
                Tag.Single => r.ReadSingle(),
                Tag.Double => r.ReadDouble(),
                Tag.String => r.ReadString(),
                _ => throw new NotSupportedException(TypeName(type)),
            };
        }
        if (type.IsArray)
        {
            Expect(tag, Tag.Array, type, path);
            var length = r.ReadInt32();
            var element = type.GetElementType()!;
            if (length < 0)
            {
                throw new CheckpointException($"the checkpoint is damaged: negative length at {path}");
            }
            var array = Array.CreateInstance(element, length);
            if (element.IsPrimitive)
            {
                r.BaseStream.ReadExactly(RawBytes(array));
            }
            else
            {
                for (var i = 0; i < length; i++)
                {
                    array.SetValue(ReadValue(r, element, $"{path}[{i}]"), i);
                }
            }
            return array;
        }
        var definition = type.GetGenericTypeDefinition();
        var itemType = type.GetGenericArguments()[0];
        Expect(tag, definition == typeof(List<>) ? Tag.List : Tag.Queue, type, path);
        var count = r.ReadInt32();
        var collection = Activator.CreateInstance(type)!;
        var add = type.GetMethod(definition == typeof(List<>) ? "Add" : "Enqueue")!;
        for (var i = 0; i < count; i++)
        {
            add.Invoke(collection, [ReadValue(r, itemType, $"{path}[{i}]")]);
        }
        return collection;
    }

    private static void Expect(Tag actual, Tag expected, Type type, string path)
    {
        if (actual != expected)
        {
            throw Mismatch(path, $"a {actual} where this build has {TypeName(type)}");
        }
    }

    /// <summary>The bytes of a primitive array, as a span over its storage (no copy).</summary>
    private static Span<byte> RawBytes(Array array) =>
        MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(array), checked((int)Buffer.ByteLength(array)));

    private static void EnsureLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("checkpoints are written little-endian; this machine is big-endian");
        }
    }

    private static string TypeName(Type type) =>
        type.IsGenericType
            ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>"
            : type.Name;
}

/// <summary>A checkpoint that cannot be used (damaged, another format or config, missing): the user's to fix, exit code 2.</summary>
public sealed class CheckpointException(string message) : Exception(message);
