using System.Runtime.CompilerServices;

namespace AgentSim.Output;

/// <summary>
/// Untyped view of one column of a <see cref="TableBuffer"/>, so the writer can walk columns without knowing their
/// element type at compile time. Values are added through the typed <see cref="ColumnBuffer{T}"/>.
/// </summary>
public abstract class ColumnBuffer
{
    private protected ColumnBuffer(ColumnSpec spec) => Spec = spec;

    /// <summary>The column this buffer holds values for.</summary>
    public ColumnSpec Spec { get; }

    /// <summary>Column name (shortcut for <c>Spec.Name</c>).</summary>
    public string Name => Spec.Name;

    /// <summary>Number of values added since the last clear.</summary>
    public abstract int Count { get; }

    /// <summary>Capacity currently allocated; kept across <see cref="Clear"/> so steady-state filling never allocates.</summary>
    public abstract int Capacity { get; }

    /// <summary>Forgets the values but keeps the storage.</summary>
    public abstract void Clear();

    /// <summary>Grows the storage (keeping the values) to hold at least <paramref name="capacity"/> values, in one step.</summary>
    public abstract void EnsureCapacity(int capacity);

    /// <summary>
    /// Exchanges storage with a column of the same type. Lets a background writer take the filled values while the
    /// caller keeps this object (and any reference it resolved to it) and continues with the other, empty storage.
    /// </summary>
    internal abstract void SwapStorage(ColumnBuffer other);
}

/// <summary>
/// Growable array of column values. <see cref="Add"/> is the per-row hot path: a bounds check and a store, with
/// doubling growth; the array is kept after <see cref="Clear"/>, so once a buffer has seen its largest row group
/// it never allocates again.
/// </summary>
public sealed class ColumnBuffer<T> : ColumnBuffer
{
    private T[] _items;
    private int _count;

    internal ColumnBuffer(ColumnSpec spec, int initialCapacity)
        : base(spec)
    {
        _items = initialCapacity == 0 ? [] : new T[initialCapacity];
    }

    /// <inheritdoc />
    public override int Count => _count;

    /// <inheritdoc />
    public override int Capacity => _items.Length;

    /// <summary>The value at <paramref name="index"/> (0 ≤ index &lt; <see cref="Count"/>).</summary>
    public T this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_count)
            {
                throw new ArgumentOutOfRangeException(nameof(index), index, $"Column '{Name}' has {_count} values.");
            }
            return _items[index];
        }
    }

    /// <summary>Appends one value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(T value)
    {
        var items = _items;
        var count = _count;
        if ((uint)count < (uint)items.Length)
        {
            items[count] = value;
            _count = count + 1;
        }
        else
        {
            AddWithGrowth(value);
        }
    }

    /// <summary>The storage itself, for fillers that write reserved rows (<see cref="AppendUninitialized"/>) from several threads. Valid until the buffer next grows.</summary>
    internal T[] Items => _items;

    /// <summary>The values added so far. Valid until the next <see cref="Add"/> or <see cref="Clear"/>.</summary>
    public ReadOnlySpan<T> AsSpan() => new(_items, 0, _count);

    /// <summary>The values added so far as memory, for asynchronous consumers. Valid until the next <see cref="Add"/> or <see cref="Clear"/>.</summary>
    public ReadOnlyMemory<T> AsMemory() => new(_items, 0, _count);

    /// <inheritdoc />
    public override void EnsureCapacity(int capacity)
    {
        if (capacity > _items.Length)
        {
            Array.Resize(ref _items, Math.Min(capacity, Array.MaxLength));
        }
    }

    /// <inheritdoc />
    public override void Clear()
    {
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            // Drop references (strings) so a cleared buffer does not keep the previous row group alive.
            Array.Clear(_items, 0, _count);
        }
        _count = 0;
    }

    /// <summary>
    /// Adds <paramref name="count"/> default values and returns them as writable memory, so a reader can decode a
    /// column chunk straight into the buffer. Valid until the next <see cref="Add"/> or <see cref="Clear"/>.
    /// </summary>
    internal Memory<T> AppendSlots(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var needed = (long)_count + count;
        if (needed > _items.Length)
        {
            Array.Resize(ref _items, (int)Math.Min(Array.MaxLength, Math.Max(needed, Math.Max(16L, _items.Length * 2L))));
        }
        var slots = new Memory<T>(_items, _count, count);
        slots.Span.Clear();
        _count += count;
        return slots;
    }

    /// <summary>
    /// Adds <paramref name="count"/> values left as they are (stale or default) and returns them as a writable span for
    /// the caller to fill whole: the bulk form of <see cref="Add"/>. Valid until the next <see cref="Add"/> or <see cref="Clear"/>.
    /// </summary>
    internal Span<T> AppendUninitialized(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var needed = (long)_count + count;
        if (needed > _items.Length)
        {
            Array.Resize(ref _items, (int)Math.Min(Array.MaxLength, Math.Max(needed, Math.Max(16L, _items.Length * 2L))));
        }
        var slots = new Span<T>(_items, _count, count);
        _count += count;
        return slots;
    }

    internal override void SwapStorage(ColumnBuffer other)
    {
        var typed = (ColumnBuffer<T>)other;
        (_items, typed._items) = (typed._items, _items);
        (_count, typed._count) = (typed._count, _count);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AddWithGrowth(T value)
    {
        var newCapacity = Math.Max(16, _items.Length * 2);
        if ((uint)newCapacity > (uint)Array.MaxLength)
        {
            newCapacity = Math.Max(_items.Length + 1, Array.MaxLength);
        }
        Array.Resize(ref _items, newCapacity);
        _items[_count++] = value;
    }
}
