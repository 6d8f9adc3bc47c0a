package dev.switchboard.model;

import java.util.List;
import java.util.function.Predicate;

/**
 * What a request may be sent to within one model group: the group itself, or the router's view of
 * it for one request (healthy deployments, in the routing strategy's order). The deployment gate
 * asks {@link #pick} for one that also has room under its limits.
 */
public interface Candidates {

  /** The model group's name. */
  String name();

  /** Every deployment of the group, whatever its state. */
  List<Deployment> deployments();

  /**
   * The first deployment, in this view's order, that {@code take} accepts (and may claim), or null.
   * {@code take} is asked about each deployment at most once.
   */
  Deployment pick(Predicate<Deployment> take);
}
