using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Monfri.Domain.Cdp;
using Monfri.Domain.Privacy;
using Monfri.Infrastructure.Identity;
using Monfri.Infrastructure.Persistence.Configurations.Crm;

namespace Monfri.Infrastructure.Persistence.Configurations.Privacy;

internal sealed class PrivacyRequestConfiguration : IEntityTypeConfiguration<PrivacyRequest>
{
    public void Configure(EntityTypeBuilder<PrivacyRequest> builder)
    {
        builder.ToTable("privacy_requests");
        builder.Property(r => r.Kind).HasConversion<string>().HasMaxLength(10);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(12);
        builder.Property(r => r.IdentityType).HasMaxLength(IdentityTypes.MaxTypeLength);
        builder.Property(r => r.IdentityValue).HasMaxLength(IdentityTypes.MaxValueLength);
        builder.Property(r => r.MaskedIdentity).HasMaxLength(IdentityTypes.MaxValueLength);
        builder.Property(r => r.Error).HasMaxLength(2000);
        builder.Property(r => r.Counts).HasJsonColumn();
        builder.Ignore(r => r.IsFinished);
        builder.Ignore(r => r.CanBeLifted);
        // No foreign key to people: the request outlives the person it erased.
        builder.HasIndex(r => new { r.Status, r.RequestedAt });
        builder.HasIndex(r => r.RequestedAt);
        builder.HasIndex(r => r.PersonId);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(r => r.RequestedById).OnDelete(DeleteBehavior.Cascade);
    }
}
