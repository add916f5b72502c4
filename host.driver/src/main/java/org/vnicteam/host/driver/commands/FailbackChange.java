package org.vnicteam.host.driver.commands;

import org.vnicteam.api.host.FailbackPolicy;
import org.vnicteam.api.host.TeamStatus;

/**
 * What {@code team:failback} changed.
 *
 * @param before the policy before
 * @param primaryBefore the configured primary before ("" = highest priority)
 * @param activeBefore the active member before, or null
 * @param status the team after the change was applied
 */
public record FailbackChange(FailbackPolicy before, String primaryBefore, String activeBefore, TeamStatus status) {
}
