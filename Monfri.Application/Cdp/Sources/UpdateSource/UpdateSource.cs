using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Cdp.Common;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;

namespace Monfri.Application.Cdp.Sources.UpdateSource;

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
