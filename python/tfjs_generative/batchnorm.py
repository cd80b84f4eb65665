"""Batch norm's one difference between the frameworks, as an opt-in: in training,
tfjs-layers updates its moving variance with the biased batch variance
(dividing by n, the values per channel), PyTorch its running_var with the
unbiased one (dividing by n - 1). Normalisation itself (the batch's biased
variance in training, the running statistics in eval) is the same in both.

match_tfjs_batchnorm(model) makes a twin's BatchNorm2d layers update running_var
as tfjs-layers does, so that statistics trained in PyTorch continue exactly as
they would here. Names, buffers and eval-mode outputs are unchanged.
"""
import torch.nn as nn
import torch.nn.functional as F


class TfjsBatchNorm2d(nn.BatchNorm2d):
    """BatchNorm2d whose running_var follows the biased batch variance, as tfjs-layers' moving variance does."""

    def forward(self, x):
        if not self.training:
            return super().forward(x)
        m = self.momentum
        mean = x.mean(dim=(0, 2, 3)).detach()
        var = x.var(dim=(0, 2, 3), unbiased=False).detach()  # biased: divides by n
        self.running_mean.mul_(1 - m).add_(m * mean)
        self.running_var.mul_(1 - m).add_(m * var)
        self.num_batches_tracked.add_(1)
        return F.batch_norm(x, None, None, self.weight, self.bias, True, 0.0, self.eps)


def match_tfjs_batchnorm(model):
    """Switches every BatchNorm2d of `model` (in place) to TfjsBatchNorm2d; returns the model."""
    for module in model.modules():
        if type(module) is nn.BatchNorm2d:
            module.__class__ = TfjsBatchNorm2d
    return model
