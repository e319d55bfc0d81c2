"""The local edge and the commands that use it: one front door answering requests as AWS would
(``local_edge``), served over HTTP (``serve``) or compared with a deployed edge (``check``,
with its ``probes``, the answers ``received`` and the HTTP side in ``http_fetch``)."""
