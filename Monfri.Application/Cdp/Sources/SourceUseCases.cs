using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Cdp.Common;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;

namespace Monfri.Application.Cdp.Sources;

/// <summary>Every source, by name.</summary>
[RequiresPermission(Permission.ManageSources)]
public sealed record ListSourcesQuery : IQuery<Result<IReadOnlyList<SourceDto>>>;

public sealed class ListSourcesHandler(IMonfriDbFactory dbFactory) : IQueryHandler<ListSourcesQuery, Result<IReadOnlyList<SourceDto>>>
{
    public async ValueTask<Result<IReadOnlyList<SourceDto>>> Handle(ListSourcesQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var sources = await db.Sources.AsNoTracking().OrderBy(s => s.Name).ToListAsync(cancellationToken);
        return sources.Select(SourceDto.From).ToList();
    }
}

[RequiresPermission(Permission.ManageSources)]
public sealed record GetSourceQuery(Guid Id) : IQuery<Result<SourceDto>>;

public sealed class GetSourceHandler(IMonfriDbFactory dbFactory) : IQueryHandler<GetSourceQuery, Result<SourceDto>>
{
    public async ValueTask<Result<SourceDto>> Handle(GetSourceQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var source = await db.Sources.AsNoTracking().FirstOrDefaultAsync(s => s.Id == query.Id, cancellationToken);
        return source is null ? Result<SourceDto>.NotFound("No such source.") : SourceDto.From(source);
    }
}

/// <summary>Creates a source with a fresh write key.</summary>
[RequiresPermission(Permission.ManageSources)]
public sealed record CreateSourceCommand(SourceInput Source) : ICommand<Result<SourceDto>>;

public sealed class CreateSourceHandler(IMonfriDbFactory dbFactory, TimeProvider clock) : ICommandHandler<CreateSourceCommand, Result<SourceDto>>
{
    public async ValueTask<Result<SourceDto>> Handle(CreateSourceCommand command, CancellationToken cancellationToken)
    {
        var input = command.Source;
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        if (await db.Sources.AnyAsync(s => s.Name == input.Name.Trim(), cancellationToken))
        {
            return Result<SourceDto>.Invalid("A source with this name exists already.", "source.name");
        }

        var source = Source.Create(input.Name, input.Kind, input.AllowedOrigins ?? [], clock.GetUtcNow());
        if (!input.Enabled)
        {
            source.Update(input.Name, input.Kind, input.AllowedOrigins ?? [], false, clock.GetUtcNow());
        }

        db.Sources.Add(source);
        await db.SaveChangesAsync(cancellationToken);
        return SourceDto.From(source);
    }
}

public sealed class CreateSourceValidator : AbstractValidator<CreateSourceCommand>
{
    public CreateSourceValidator() => RuleFor(c => c.Source).NotNull().SetValidator(new SourceInputValidator());
}

/// <summary>Renames a source, changes its kind and allowed origins, enables or disables it.</summary>
[RequiresPermission(Permission.ManageSources)]
public sealed record UpdateSourceCommand(Guid Id, SourceInput Source) : ICommand<Result<SourceDto>>;

public sealed class UpdateSourceHandler(IMonfriDbFactory dbFactory, ISourceDirectory directory, TimeProvider clock)
    : ICommandHandler<UpdateSourceCommand, Result<SourceDto>>
{
    public async ValueTask<Result<SourceDto>> Handle(UpdateSourceCommand command, CancellationToken cancellationToken)
    {
        var input = command.Source;
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var source = await db.Sources.FirstOrDefaultAsync(s => s.Id == command.Id, cancellationToken);
        if (source is null)
        {
            return Result<SourceDto>.NotFound("No such source.");
        }

        if (await db.Sources.AnyAsync(s => s.Id != command.Id && s.Name == input.Name.Trim(), cancellationToken))
        {
            return Result<SourceDto>.Invalid("A source with this name exists already.", "source.name");
        }

        source.Update(input.Name, input.Kind, input.AllowedOrigins ?? [], input.Enabled, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        directory.Invalidate();
        return SourceDto.From(source);
    }
}

public sealed class UpdateSourceValidator : AbstractValidator<UpdateSourceCommand>
{
    public UpdateSourceValidator() => RuleFor(c => c.Source).NotNull().SetValidator(new SourceInputValidator());
}

/// <summary>Gives a source a new write key; the old key answers 401 from now on.</summary>
[RequiresPermission(Permission.ManageSources)]
public sealed record RotateSourceKeyCommand(Guid Id) : ICommand<Result<SourceDto>>;

public sealed class RotateSourceKeyHandler(IMonfriDbFactory dbFactory, ISourceDirectory directory, TimeProvider clock)
    : ICommandHandler<RotateSourceKeyCommand, Result<SourceDto>>
{
    public async ValueTask<Result<SourceDto>> Handle(RotateSourceKeyCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var source = await db.Sources.FirstOrDefaultAsync(s => s.Id == command.Id, cancellationToken);
        if (source is null)
        {
            return Result<SourceDto>.NotFound("No such source.");
        }

        source.RotateKey(clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        directory.Invalidate();
        return SourceDto.From(source);
    }
}

/// <summary>The last events a source received, with their validation result (source debugger).</summary>
[RequiresPermission(Permission.ManageSources)]
public sealed record GetSourceDebugQuery(Guid Id) : IQuery<Result<IReadOnlyList<Collection.DebugEvent>>>;

public sealed class GetSourceDebugHandler(ISourceDebugFeed debug) : IQueryHandler<GetSourceDebugQuery, Result<IReadOnlyList<Collection.DebugEvent>>>
{
    public ValueTask<Result<IReadOnlyList<Collection.DebugEvent>>> Handle(GetSourceDebugQuery query, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Result<IReadOnlyList<Collection.DebugEvent>>.Success(debug.Recent(query.Id)));
}
