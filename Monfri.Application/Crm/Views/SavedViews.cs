using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Monfri.Application.Common.Persistence;
using Monfri.Application.Common.Results;
using Monfri.Application.Common.Security;
using Monfri.Domain.Crm;
using Roles = Monfri.Domain.Common.Roles;

namespace Monfri.Application.Crm.Views;

/// <summary>Names starting with <see cref="ReservedPrefix"/> hold a screen's own state (a board's filter) and are not listed as views.</summary>
public static class SavedViewNames
{
    public const string ReservedPrefix = "@";

    /// <summary>Whether a view definition (or a list's last state) is JSON at all; its shape is the list's to read.</summary>
    public static bool IsJson(string text)
    {
        try
        {
            using var _ = System.Text.Json.JsonDocument.Parse(text);
            return true;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}

public sealed record SavedViewDto(Guid Id, CrmObjectType ObjectType, string Name, string Definition);

/// <summary>The signed-in user's saved views of one list.</summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record ListSavedViewsQuery(CrmObjectType ObjectType) : IQuery<Result<IReadOnlyList<SavedViewDto>>>;

/// <summary>Saves the current filters, sort and columns under a name (same name: replaced).</summary>
[RequiresPermission(Permission.ViewContacts)]
public sealed record SaveViewCommand(CrmObjectType ObjectType, string Name, string Definition) : ICommand<Result<SavedViewDto>>;

[RequiresPermission(Permission.ViewContacts)]
public sealed record DeleteSavedViewCommand(Guid Id) : ICommand<Result>;

public sealed class SaveViewValidator : AbstractValidator<SaveViewCommand>
{
    public SaveViewValidator()
    {
        RuleFor(c => c.Name).NotEmpty().WithMessage("Name the view.").MaximumLength(100)
            .Must(n => !n.TrimStart().StartsWith(SavedViewNames.ReservedPrefix, StringComparison.Ordinal)).WithMessage($"A view name cannot start with {SavedViewNames.ReservedPrefix}.");
        RuleFor(c => c.Definition).NotEmpty().MaximumLength(20_000).Must(SavedViewNames.IsJson).WithMessage("The view definition is not valid JSON.");
    }
}

public sealed class SavedViewsHandler(IMonfriDbFactory dbFactory, ICurrentUser currentUser, TimeProvider clock)
    : IQueryHandler<ListSavedViewsQuery, Result<IReadOnlyList<SavedViewDto>>>,
      ICommandHandler<SaveViewCommand, Result<SavedViewDto>>,
      ICommandHandler<DeleteSavedViewCommand, Result>
{
    public async ValueTask<Result<IReadOnlyList<SavedViewDto>>> Handle(ListSavedViewsQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        return await db.SavedViews.AsNoTracking()
            .Where(v => v.UserId == currentUser.Id && v.ObjectType == query.ObjectType && !v.Name.StartsWith(SavedViewNames.ReservedPrefix))
            .OrderBy(v => v.Name)
            .Select(v => new SavedViewDto(v.Id, v.ObjectType, v.Name, v.Definition))
            .ToListAsync(cancellationToken);
    }

    public async ValueTask<Result<SavedViewDto>> Handle(SaveViewCommand command, CancellationToken cancellationToken)
    {
        if (currentUser.Id is not { } userId)
        {
            return Result<SavedViewDto>.Unauthorized("Sign in to save views.");
        }

        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var name = command.Name.Trim();
        var view = await db.SavedViews.FirstOrDefaultAsync(v => v.UserId == userId && v.ObjectType == command.ObjectType && v.Name == name, cancellationToken);
        if (view is null)
        {
            view = SavedView.Create(userId, command.ObjectType, name, command.Definition, clock.GetUtcNow());
            db.SavedViews.Add(view);
        }
        else
        {
            view.Update(name, command.Definition, clock.GetUtcNow());
        }

        await db.SaveChangesAsync(cancellationToken);
        return new SavedViewDto(view.Id, view.ObjectType, view.Name, view.Definition);
    }

    public async ValueTask<Result> Handle(DeleteSavedViewCommand command, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateAsync(cancellationToken);
        var deleted = await db.SavedViews.Where(v => v.Id == command.Id && v.UserId == currentUser.Id).ExecuteDeleteAsync(cancellationToken);
        return deleted == 1 ? Result.Success() : Result.NotFound("That view does not exist.");
    }
}
