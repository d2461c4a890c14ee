using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query.SqlExpressions;
using Microsoft.EntityFrameworkCore.Storage;
using Monfri.Application.Common.Persistence;
using Npgsql.EntityFrameworkCore.PostgreSQL.Query.Expressions;
using Npgsql.EntityFrameworkCore.PostgreSQL.Query.Expressions.Internal;

namespace Monfri.Infrastructure.Persistence;

// The provider's own JSON containment (EF.Functions.JsonContains) lives in the Npgsql package, which the
// Application layer must not reference; this maps our provider-neutral marker to the same expression.
// PgBinaryExpression is marked internal by the provider, hence EF1001; a provider upgrade is covered by
// the custom-field filter tests.
#pragma warning disable EF1001

/// <summary>Maps <see cref="DbJson"/> to PostgreSQL's JSONB containment operator and text extraction.</summary>
internal static class DbJsonTranslation
{
    public static void Register(ModelBuilder builder)
    {
        var contains = typeof(DbJson).GetMethod(nameof(DbJson.Contains))!;
        var jsonb = new Npgsql.EntityFrameworkCore.PostgreSQL.Storage.Internal.Mapping.NpgsqlJsonTypeMapping("jsonb", typeof(string));
        var function = builder.HasDbFunction(contains);
        // The column argument is any JSONB-mapped property; it is passed through, so it needs no CLR mapping.
        function.HasParameter("column").Metadata.TypeMapping = jsonb;
        function.HasTranslation(args =>
        {
            var column = args[0];
            var fragment = new SqlUnaryExpression(System.Linq.Expressions.ExpressionType.Convert, args[1], typeof(string), jsonb);
            return new PgBinaryExpression(PgExpressionType.Contains, column, fragment, typeof(bool), new BoolTypeMapping("boolean"));
        });

        var text = builder.HasDbFunction(typeof(DbJson).GetMethod(nameof(DbJson.Text))!);
        text.HasParameter("column").Metadata.TypeMapping = jsonb;
        // Null also when the key is absent (arguments not null): EF must not turn "IS NULL" into checks of the arguments.
        text.HasTranslation(args => new SqlFunctionExpression(
            "jsonb_extract_path_text", args, nullable: true, argumentsPropagateNullability: [false, false], typeof(string),
            new StringTypeMapping("text", System.Data.DbType.String)));
    }
}
