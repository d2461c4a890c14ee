using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;
using Npgsql.EntityFrameworkCore.PostgreSQL.Storage.Internal.Mapping;
using NpgsqlTypes;

namespace Monfri.Infrastructure.Import;

/// <summary>
/// Inserts entities with PostgreSQL's binary COPY, the bulk path of DESIGN.md §2: thousands of rows per round
/// trip instead of one INSERT each. Columns, value converters (JSON, enums as text) and database types come
/// from the EF Core model, so a property added to an entity is copied without touching this code; columns
/// the database fills itself (identity ids, computed columns, xmin) are left out.
/// </summary>
internal static class BulkCopy
{
    private static readonly ConcurrentDictionary<IEntityType, Plan> Plans = new();

    public static async Task WriteAsync<T>(NpgsqlConnection connection, IModel model, IReadOnlyCollection<T> entities, CancellationToken cancellationToken)
        where T : class
    {
        if (entities.Count == 0)
        {
            return;
        }

        var entityType = model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var plan = Plans.GetOrAdd(entityType, Build);
        await using var writer = await connection.BeginBinaryImportAsync(plan.Command, cancellationToken);
        foreach (var entity in entities)
        {
            await writer.StartRowAsync(cancellationToken);
            foreach (var column in plan.Columns)
            {
                var value = column.Getter.GetClrValueUsingContainingEntity(entity);
                if (column.Converter is not null && value is not null)
                {
                    value = column.Converter.ConvertToProvider(value);
                }

                if (value is null)
                {
                    await writer.WriteNullAsync(cancellationToken);
                }
                else if (column.DbType is { } dbType)
                {
                    await writer.WriteAsync(value, dbType, cancellationToken);
                }
                else
                {
                    await writer.WriteAsync(value, column.StoreType, cancellationToken);
                }
            }
        }

        await writer.CompleteAsync(cancellationToken);
    }

    private static Plan Build(IEntityType entityType)
    {
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var columns = entityType.GetProperties()
            .Where(p => p.GetComputedColumnSql() is null
                && p.GetDefaultValueSql() is null
                && p.ValueGenerated != ValueGenerated.OnAddOrUpdate
                && p.GetValueGenerationStrategy() is not (NpgsqlValueGenerationStrategy.IdentityByDefaultColumn or NpgsqlValueGenerationStrategy.IdentityAlwaysColumn or NpgsqlValueGenerationStrategy.SerialColumn))
            .Select(p =>
            {
                var mapping = p.GetRelationalTypeMapping();
                return new Column(
                    p.GetColumnName(table)!,
                    p.GetGetter(),
                    p.GetValueConverter() ?? mapping.Converter,
                    mapping is NpgsqlTypeMapping npgsql ? npgsql.NpgsqlDbType : null,
                    StripFacets(p.GetColumnType()));
            })
            .ToList();
        var names = string.Join(", ", columns.Select(c => $"\"{c.Name}\""));
        return new Plan($"COPY \"{table.Name}\" ({names}) FROM STDIN (FORMAT BINARY)", columns);
    }

    /// <summary>"character varying(100)" → "character varying": COPY wants the type, not its length limit.</summary>
    private static string StripFacets(string storeType) =>
        storeType.IndexOf('(', StringComparison.Ordinal) is var open and > 0 ? storeType[..open] + storeType[(storeType.IndexOf(')', StringComparison.Ordinal) + 1)..] : storeType;

    private sealed record Plan(string Command, IReadOnlyList<Column> Columns);

    private sealed record Column(string Name, IClrPropertyGetter Getter, Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter? Converter, NpgsqlDbType? DbType, string StoreType);
}
