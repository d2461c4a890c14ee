using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Cdp.Common;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Cdp;
using Monfri.Domain.Common;

namespace Monfri.Application.Cdp.Sources.RotateSourceKey;

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
