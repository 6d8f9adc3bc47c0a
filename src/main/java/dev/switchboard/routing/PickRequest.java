package dev.switchboard.routing;

import dev.switchboard.model.Principal;
import java.util.List;
import java.util.Set;

/**
 * {@code router.pick}: which deployment should serve this model for this caller.
 *
 * @param model           the model name asked for (a group, or an alias of one)
 * @param estimatedTokens what the request is expected to cost, for deployments with a tpm bound and pre-call checks
 * @param excluded        ids of deployments that already failed this request (picked again only when nothing else is left)
 * @param tags            the request's {@code metadata.tags}, for tag filtering
 * @param stream          a streaming request (latency-based routing ranks by time to first token)
 * @param probeWhenDown   nothing else can take the request (no fallback left): when every deployment's circuit is
 *                        open, panic mode may let it through as a probe
 * @param models          the request's runtime snapshot; null for a pick outside a request (the one in force)
 */
public record PickRequest(String model, Principal principal, long estimatedTokens, Set<String> excluded,
    List<String> tags, boolean stream, boolean probeWhenDown, LiveModels.Snapshot models) {

  public PickRequest(String model, Principal principal, long estimatedTokens) {
    this(model, principal, estimatedTokens, Set.of(), List.of(), false);
  }

  public PickRequest(String model, Principal principal, long estimatedTokens, Set<String> excluded, List<String> tags,
      boolean stream) {
    this(model, principal, estimatedTokens, excluded, tags, stream, false, null);
  }
}
