using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Cdp.Common;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;

namespace Monfri.Application.Cdp.Sources.CreateSource;

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
