using System.Collections.Concurrent;
using System.Reflection;

namespace AgentSim.Config;

/// <summary>The shapes a configuration property can have; binding, writing and the schema all dispatch on it.</summary>
internal enum ValueKind
{
    String,
    Bool,
    Int,
    Long,
    Double,
    Enum,
    StringList,
    ObjectList,
    Object,
}

/// <summary>One bindable property of a config class, with its YAML key and declared range.</summary>
internal sealed class ConfigProperty
{
    public ConfigProperty(PropertyInfo info, ValueKind kind, Type? elementType)
    {
        Info = info;
        Kind = kind;
        ElementType = elementType;
        Key = Naming.ToSnakeCase(info.Name);
        Param = info.GetCustomAttribute<ParamAttribute>();
    }

    public PropertyInfo Info { get; }
    public ValueKind Kind { get; }

    /// <summary>Element type for lists, the class for objects, the enum type for enums; null otherwise.</summary>
    public Type? ElementType { get; }

    public string Key { get; }
    public ParamAttribute? Param { get; }
    public double Min => Param?.Min ?? double.NegativeInfinity;
    public double Max => Param?.Max ?? double.PositiveInfinity;
    public string Meaning => Param?.Meaning ?? "";
    public string Unit => Param?.Unit ?? "";
}

/// <summary>Reflection over the config classes: which properties bind, in declaration order, under which keys.</summary>
internal static class ConfigTypes
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyList<ConfigProperty>> Cache = new();

    /// <summary>The key that identifies list elements by name (industries.ev.learning_rate).</summary>
    public const string NameKey = "name";

    public static IReadOnlyList<ConfigProperty> PropertiesOf(Type type) => Cache.GetOrAdd(type, Describe);

    public static ConfigProperty? Find(Type type, string key) =>
        PropertiesOf(type).FirstOrDefault(p => p.Key == key);

    public static IEnumerable<string> KeysOf(Type type) => PropertiesOf(type).Select(p => p.Key);

    /// <summary>Whether elements of this type can be addressed by name, i.e. have a string <c>Name</c> property.</summary>
    public static bool HasName(Type type) => Find(type, NameKey) is { Kind: ValueKind.String };

    public static string EnumText(Enum value) => Naming.ToSnakeCase(value.ToString());

    public static IReadOnlyList<string> EnumNames(Type enumType) =>
        Enum.GetNames(enumType).Select(Naming.ToSnakeCase).ToList();

    private static IReadOnlyList<ConfigProperty> Describe(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetSetMethod() is not null && p.GetIndexParameters().Length == 0)
            .OrderBy(p => p.MetadataToken)
            .Select(p => Classify(type, p))
            .ToList();

    private static ConfigProperty Classify(Type owner, PropertyInfo p)
    {
        var t = p.PropertyType;
        if (t == typeof(string)) return new(p, ValueKind.String, null);
        if (t == typeof(bool)) return new(p, ValueKind.Bool, null);
        if (t == typeof(int)) return new(p, ValueKind.Int, null);
        if (t == typeof(long)) return new(p, ValueKind.Long, null);
        if (t == typeof(double)) return new(p, ValueKind.Double, null);
        if (t.IsEnum) return new(p, ValueKind.Enum, t);
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>))
        {
            var element = t.GetGenericArguments()[0];
            if (element == typeof(string)) return new(p, ValueKind.StringList, element);
            if (IsConfigClass(element)) return new(p, ValueKind.ObjectList, element);
        }
        if (IsConfigClass(t)) return new(p, ValueKind.Object, t);
        throw new NotSupportedException(
            $"{owner.Name}.{p.Name}: type {t.Name} is not supported in configuration classes; add it to ConfigTypes.");
    }

    private static bool IsConfigClass(Type t) =>
        t.IsClass && t.Assembly == typeof(SimulationConfig).Assembly && t.GetConstructor(Type.EmptyTypes) is not null;
}
